using System.Diagnostics;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// WeChat Pay's own rate limit for the merchant: a token bucket refilled at <see cref="PerSecond"/> requests a second
/// that holds a quarter second of them (at least one). A request that finds it empty is answered 429
/// FREQUENCY_LIMITED and not processed; it takes no token. Off (0) by default.
/// </summary>
internal sealed class RateLimitGate
{
    private readonly object _gate = new();
    private double _perSecond;
    private int? _retryAfterSeconds;
    private double _tokens;
    private long _lastTimestamp;

    public double PerSecond
    {
        get
        {
            lock (_gate)
            {
                return _perSecond;
            }
        }
    }

    /// <summary>The Retry-After (seconds) sent with its 429s; null sends none.</summary>
    public int? RetryAfterSeconds
    {
        get
        {
            lock (_gate)
            {
                return _retryAfterSeconds;
            }
        }
    }

    /// <summary>Sets the limit, the bucket full; 0 turns it off.</summary>
    public void Set(double perSecond, int? retryAfterSeconds)
    {
        if (double.IsNaN(perSecond) || perSecond < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "The limit must be 0 (none) or more requests a second.");
        }

        if (retryAfterSeconds is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfterSeconds), retryAfterSeconds, "Retry-After must not be negative.");
        }

        lock (_gate)
        {
            _perSecond = perSecond;
            _retryAfterSeconds = retryAfterSeconds;
            _tokens = Capacity(perSecond);
            _lastTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>True when the request may go on; false when it is over the limit.</summary>
    public bool TryPass()
    {
        lock (_gate)
        {
            if (_perSecond <= 0)
            {
                return true;
            }

            long now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(Capacity(_perSecond), _tokens + (Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds * _perSecond));
            _lastTimestamp = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    private static double Capacity(double perSecond) => Math.Max(1, perSecond / 4);
}
