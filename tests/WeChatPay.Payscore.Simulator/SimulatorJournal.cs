using System.Collections.Concurrent;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// What the simulator saw and did: counters, accepted terminates, refused requests, terminates processed per
/// authorization and which key signed its answers. Lock-free, for load tests.
/// </summary>
internal sealed class SimulatorJournal
{
    private readonly ConcurrentQueue<RecordedTerminate> _terminates = new();
    private readonly ConcurrentQueue<RejectedRequest> _rejected = new();
    private readonly ConcurrentDictionary<AuthorizationSubject, int> _processed = new();
    private int _requestCount;
    private int _inFlight;
    private int _maxInFlight;
    private long _signedByPublicKey;
    private long _signedByPlatformCertificate;
    private int _rateLimited;
    private int _certificateRequests;
    private int _terminateRequests;

    public int RequestCount => Volatile.Read(ref _requestCount);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Answers 429 FREQUENCY_LIMITED, by the rate limit or by an injected fault.</summary>
    public int RateLimited => Volatile.Read(ref _rateLimited);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Signed GET /v3/certificates requests that passed the signature check, answered or faulted.</summary>
    public int CertificateRequests => Volatile.Read(ref _certificateRequests);

    public void CountCertificateRequest() => Interlocked.Increment(ref _certificateRequests);

    /// <summary>API requests to a terminate route (a path ending in /terminate), whatever came of them: refused, faulted or processed.</summary>
    public int TerminateRequests => Volatile.Read(ref _terminateRequests);

    public void CountTerminateRequest() => Interlocked.Increment(ref _terminateRequests);

    public long AnswersSignedByPublicKey => Interlocked.Read(ref _signedByPublicKey);

    public long AnswersSignedByPlatformCertificate => Interlocked.Read(ref _signedByPlatformCertificate);

    public IReadOnlyList<RecordedTerminate> Terminates => _terminates.ToArray();

    public IReadOnlyList<RejectedRequest> Rejected => _rejected.ToArray();

    public void Enter()
    {
        Interlocked.Increment(ref _requestCount);
        int current = Interlocked.Increment(ref _inFlight);
        int peak = Volatile.Read(ref _maxInFlight);
        while (current > peak)
        {
            int seen = Interlocked.CompareExchange(ref _maxInFlight, current, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    public void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    public void Record(RecordedTerminate terminate) => _terminates.Enqueue(terminate);

    public void Record(RejectedRequest rejected) => _rejected.Enqueue(rejected);

    /// <summary>A terminate for the subject reached the authorization store, whatever the store then answered.</summary>
    public void CountProcessedTerminate(AuthorizationSubject subject) =>
        _processed.AddOrUpdate(subject, 1, static (_, count) => count + 1);

    public int ProcessedTerminates(AuthorizationSubject subject) =>
        _processed.TryGetValue(subject, out int count) ? count : 0;

    /// <summary>
    /// Every subject with at least one processed terminate, ordered by openid, then service_id, then the fields of the
    /// other namespaces, so that the order is stable (null sorts first).
    /// </summary>
    public IReadOnlyList<ProcessedTerminateCount> ProcessedTerminateCounts() =>
        _processed
            .Where(p => p.Value >= 1)
            .Select(p => new ProcessedTerminateCount(
                p.Key.OpenId, p.Key.ServiceId, p.Value, p.Key.AuthorizationCode, p.Key.SubMerchantId, p.Key.SubOpenId))
            .OrderBy(c => c.OpenId, StringComparer.Ordinal)
            .ThenBy(c => c.ServiceId, StringComparer.Ordinal)
            .ThenBy(c => c.AuthorizationCode, StringComparer.Ordinal)
            .ThenBy(c => c.SubMerchantId, StringComparer.Ordinal)
            .ThenBy(c => c.SubOpenId, StringComparer.Ordinal)
            .ToArray();

    public void CountSignedAnswer(bool byPublicKey)
    {
        if (byPublicKey)
        {
            Interlocked.Increment(ref _signedByPublicKey);
        }
        else
        {
            Interlocked.Increment(ref _signedByPlatformCertificate);
        }
    }

    /// <summary>Requests still being handled stay in flight, so the peak restarts from them rather than from zero.</summary>
    public void Clear()
    {
        _terminates.Clear();
        _rejected.Clear();
        _processed.Clear();
        Volatile.Write(ref _requestCount, 0);
        Volatile.Write(ref _rateLimited, 0);
        Volatile.Write(ref _certificateRequests, 0);
        Volatile.Write(ref _terminateRequests, 0);
        Interlocked.Exchange(ref _signedByPublicKey, 0);
        Interlocked.Exchange(ref _signedByPlatformCertificate, 0);
        Volatile.Write(ref _maxInFlight, Volatile.Read(ref _inFlight));
    }

    public SimulatorStateSnapshot Snapshot() => new(
        RequestCount, InFlight, MaxInFlight, AnswersSignedByPublicKey, AnswersSignedByPlatformCertificate, Terminates, Rejected, RateLimited, CertificateRequests, TerminateRequests);
}
