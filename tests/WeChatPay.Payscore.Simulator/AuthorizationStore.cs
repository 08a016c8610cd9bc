using System.Collections.Concurrent;

namespace WeChatPay.Payscore.Simulator;

internal enum TerminateOutcome
{
    Terminated,
    AlreadyTerminated,
    NeverAuthorized,
}

/// <summary>A pair's authorization as the query endpoint reports it.</summary>
internal readonly record struct AuthorizationView(string State, DateTimeOffset AuthorizedAt, DateTimeOffset? CancelledAt);

/// <summary>
/// Pay Score authorization state per (openid, service_id). Every pair is AVAILABLE until terminated or set
/// otherwise; only pairs that were touched are stored.
/// </summary>
internal sealed class AuthorizationStore
{
    public const string Available = "AVAILABLE";
    public const string Unavailable = "UNAVAILABLE";
    public const string UnbindUser = "UNBINDUSER";

    private readonly ConcurrentDictionary<(string OpenId, string ServiceId), Pair> _pairs = new();

    // Pairs never touched report one authorization time, a month before the simulator started.
    private readonly DateTimeOffset _defaultAuthorizedAt = TruncateToSeconds(DateTimeOffset.UtcNow.AddDays(-30));

    public static bool IsKnownState(string? state) => state is Available or Unavailable or UnbindUser;

    public TerminateOutcome Terminate(string openId, string serviceId, DateTimeOffset now)
    {
        Pair pair = _pairs.GetOrAdd((openId, serviceId), static (_, at) => new Pair(at), _defaultAuthorizedAt);
        lock (pair)
        {
            switch (pair.State)
            {
                case Available:
                    pair.State = Unavailable;
                    pair.EverTerminated = true;
                    pair.CancelledAt = TruncateToSeconds(now);
                    return TerminateOutcome.Terminated;
                case UnbindUser when !pair.EverTerminated:
                    return TerminateOutcome.NeverAuthorized;
                default:
                    return TerminateOutcome.AlreadyTerminated;
            }
        }
    }

    public void Set(string openId, string serviceId, string state)
    {
        if (!IsKnownState(state))
        {
            throw new ArgumentException($"Unknown authorization state '{state}'; use {Available}, {Unavailable} or {UnbindUser}.", nameof(state));
        }

        DateTimeOffset now = TruncateToSeconds(DateTimeOffset.UtcNow);
        Pair pair = _pairs.GetOrAdd((openId, serviceId), static (_, at) => new Pair(at), _defaultAuthorizedAt);
        lock (pair)
        {
            pair.State = state;
            switch (state)
            {
                case Available:
                    // A fresh authorization: earlier terminations no longer count.
                    pair.AuthorizedAt = now;
                    pair.CancelledAt = null;
                    pair.EverTerminated = false;
                    break;
                case Unavailable:
                    pair.CancelledAt ??= now;
                    break;
            }
        }
    }

    public AuthorizationView Query(string openId, string serviceId)
    {
        if (!_pairs.TryGetValue((openId, serviceId), out Pair? pair))
        {
            return new AuthorizationView(Available, _defaultAuthorizedAt, null);
        }

        lock (pair)
        {
            return new AuthorizationView(pair.State, pair.AuthorizedAt, pair.State == Unavailable ? pair.CancelledAt : null);
        }
    }

    public void Clear() => _pairs.Clear();

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private sealed class Pair(DateTimeOffset authorizedAt)
    {
        public string State { get; set; } = Available;

        public bool EverTerminated { get; set; }

        public DateTimeOffset AuthorizedAt { get; set; } = authorizedAt;

        public DateTimeOffset? CancelledAt { get; set; }
    }
}
