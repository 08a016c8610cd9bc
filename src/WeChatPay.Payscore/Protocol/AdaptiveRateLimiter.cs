using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Paces the requests of a whole run: a token bucket at <see cref="CurrentRate"/>, never above the configured
    /// ceiling. A 429 halves the rate for every row at once (WeChat Pay limits per merchant, not per row); each
    /// second without one raises it by a tenth again, back to the ceiling. It never goes below a tenth of the ceiling
    /// (or, without one, of the rate the run had when the first 429 came): 429s that do not stop when the run
    /// slows down are not about its rate, and must not stall it.
    /// </summary>
    internal sealed class AdaptiveRateLimiter
    {
        private const double MinimumRate = 1;
        private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan CutCooldown = TimeSpan.FromMilliseconds(500);
        private static readonly TimeSpan RaiseEvery = TimeSpan.FromSeconds(1);

        private readonly object _gate = new object();
        private readonly double _ceiling;
        private readonly Func<TimeSpan> _now;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private double _rate;
        private TimeSpan _nextSlot;
        private TimeSpan? _lastCut;
        private TimeSpan _lastRaise;
        private TimeSpan _windowStart;
        private int _windowCount;
        private double _observedRate;
        private double? _floor;

        /// <param name="maxPerSecond">The ceiling; 0 or less means none (the rate is then only cut by 429s).</param>
        public AdaptiveRateLimiter(double maxPerSecond, Func<TimeSpan>? now = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
        {
            _ceiling = maxPerSecond > 0 ? maxPerSecond : double.PositiveInfinity;
            _rate = _ceiling;
            if (now == null)
            {
                var clock = Stopwatch.StartNew();
                now = () => clock.Elapsed;
            }

            _now = now;
            _delay = delay ?? ((wait, token) => Task.Delay(wait, token));
            _windowStart = _now();
            _lastRaise = _windowStart;
        }

        /// <summary>Requests per second allowed now; infinity when nothing limits the run.</summary>
        public double CurrentRate
        {
            get
            {
                lock (_gate)
                {
                    return _rate;
                }
            }
        }

        /// <summary>Waits for the next request's turn.</summary>
        public Task WaitAsync(CancellationToken cancellationToken)
        {
            TimeSpan wait;
            lock (_gate)
            {
                TimeSpan now = _now();
                Observe(now);
                if (double.IsPositiveInfinity(_rate))
                {
                    return Task.CompletedTask;
                }

                // Scheduled slots rather than sleeps: a late wake-up does not slow the run, and up to Burst of
                // unused time may be caught up after a pause.
                TimeSpan interval = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / _rate));
                TimeSpan earliest = now - Burst;
                TimeSpan slot = _nextSlot > earliest ? _nextSlot : earliest;
                _nextSlot = slot + interval;
                wait = slot - now;
            }

            return wait > TimeSpan.Zero ? _delay(wait, cancellationToken) : Task.CompletedTask;
        }

        /// <summary>A 429: halve the rate (at most once per half second, as many rows in flight see the same limit). Returns the new rate, or null when unchanged.</summary>
        public double? RateLimited()
        {
            lock (_gate)
            {
                TimeSpan now = _now();
                if (_lastCut.HasValue && now - _lastCut.Value < CutCooldown)
                {
                    return null;
                }

                double basis = double.IsPositiveInfinity(_rate) ? Math.Max(ObservedRate(now), 2 * MinimumRate) : _rate;
                _floor ??= Math.Max(MinimumRate, (double.IsPositiveInfinity(_ceiling) ? basis : _ceiling) / 10);
                double slower = Math.Max(_floor.Value, basis / 2);
                if (slower >= _rate)
                {
                    return null;
                }

                _rate = slower;
                _lastCut = now;
                _lastRaise = now;

                // Nobody starts before one interval has passed.
                TimeSpan pause = now + TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / _rate));
                if (_nextSlot < pause)
                {
                    _nextSlot = pause;
                }

                return _rate;
            }
        }

        /// <summary>An answer that was not a 429: after a second without a cut, raise the rate by a tenth. Returns the new rate, or null when unchanged.</summary>
        public double? Succeeded()
        {
            lock (_gate)
            {
                if (double.IsPositiveInfinity(_rate) || _rate >= _ceiling)
                {
                    return null;
                }

                TimeSpan now = _now();
                if (now - _lastRaise < RaiseEvery)
                {
                    return null;
                }

                _lastRaise = now;
                _rate *= 1.1;

                // Without a ceiling, the run is free again once the rate is well above what it achieves.
                if (_rate >= _ceiling || (double.IsPositiveInfinity(_ceiling) && _rate > 4 * Math.Max(ObservedRate(now), MinimumRate)))
                {
                    _rate = _ceiling;
                }

                return _rate;
            }
        }

        /// <summary>Requests per second of the last full second, or of the current one while there is none yet.</summary>
        private double ObservedRate(TimeSpan now) =>
            _observedRate > 0 ? _observedRate : _windowCount / Math.Max(0.1, (now - _windowStart).TotalSeconds);

        private void Observe(TimeSpan now)
        {
            _windowCount++;
            TimeSpan elapsed = now - _windowStart;
            if (elapsed >= RaiseEvery)
            {
                _observedRate = _windowCount / elapsed.TotalSeconds;
                _windowCount = 0;
                _windowStart = now;
            }
        }
    }
}
