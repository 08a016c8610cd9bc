using System.Collections.Concurrent;

namespace WeChatPay.Payscore.Simulator;

internal enum TerminateOutcome
{
    Terminated,
    AlreadyTerminated,
    NeverAuthorized,
}

/// <summary>A subject's authorization as the query endpoints report it.</summary>
internal readonly record struct AuthorizationView(string State, DateTimeOffset AuthorizedAt, DateTimeOffset? CancelledAt);

/// <summary>
/// Pay Score authorization state per <see cref="AuthorizationSubject"/>, whichever of its namespaces it is in. Every
/// subject is AVAILABLE until terminated or set otherwise; only subjects that were touched are stored.
/// </summary>
internal sealed class AuthorizationStore
{
    public const string Available = "AVAILABLE";
    public const string Unavailable = "UNAVAILABLE";
    public const string UnbindUser = "UNBINDUSER";

    private readonly ConcurrentDictionary<AuthorizationSubject, Entry> _entries = new();

    // Subjects never touched report one authorization time, a month before the simulator started.
    private readonly DateTimeOffset _defaultAuthorizedAt = TruncateToSeconds(DateTimeOffset.UtcNow.AddDays(-30));

    public static bool IsKnownState(string? state) => state is Available or Unavailable or UnbindUser;

    public TerminateOutcome Terminate(AuthorizationSubject subject, DateTimeOffset now)
    {
        Entry entry = _entries.GetOrAdd(subject, static (_, at) => new Entry(at), _defaultAuthorizedAt);
        lock (entry)
        {
            switch (entry.State)
            {
                case Available:
                    entry.State = Unavailable;
                    entry.EverTerminated = true;
                    entry.CancelledAt = TruncateToSeconds(now);
                    return TerminateOutcome.Terminated;
                case UnbindUser when !entry.EverTerminated:
                    return TerminateOutcome.NeverAuthorized;
                default:
                    return TerminateOutcome.AlreadyTerminated;
            }
        }
    }

    public void Set(AuthorizationSubject subject, string state)
    {
        if (!IsKnownState(state))
        {
            throw new ArgumentException($"Unknown authorization state '{state}'; use {Available}, {Unavailable} or {UnbindUser}.", nameof(state));
        }

        DateTimeOffset now = TruncateToSeconds(DateTimeOffset.UtcNow);
        Entry entry = _entries.GetOrAdd(subject, static (_, at) => new Entry(at), _defaultAuthorizedAt);
        lock (entry)
        {
            entry.State = state;
            switch (state)
            {
                case Available:
                    // A fresh authorization: earlier terminations no longer count.
                    entry.AuthorizedAt = now;
                    entry.CancelledAt = null;
                    entry.EverTerminated = false;
                    break;
                case Unavailable:
                    entry.CancelledAt ??= now;
                    break;
            }
        }
    }

    public AuthorizationView Query(AuthorizationSubject subject)
    {
        if (!_entries.TryGetValue(subject, out Entry? entry))
        {
            return new AuthorizationView(Available, _defaultAuthorizedAt, null);
        }

        lock (entry)
        {
            return new AuthorizationView(entry.State, entry.AuthorizedAt, entry.State == Unavailable ? entry.CancelledAt : null);
        }
    }

    public void Clear() => _entries.Clear();

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private sealed class Entry(DateTimeOffset authorizedAt)
    {
        public string State { get; set; } = Available;

        public bool EverTerminated { get; set; }

        public DateTimeOffset AuthorizedAt { get; set; } = authorizedAt;

        public DateTimeOffset? CancelledAt { get; set; }
    }
}
