using System.Collections.Concurrent;

namespace WeChatPay.Payscore.Simulator;

/// <summary>A misbehaviour the simulator can inject into an API answer.</summary>
public enum FaultKind
{
    /// <summary>Waits <see cref="FaultRule.DelayMs"/>, then processes normally.</summary>
    Latency,

    /// <summary>429 FREQUENCY_LIMITED, with Retry-After when <see cref="FaultRule.RetryAfterSeconds"/> is set; not processed.</summary>
    RateLimited,

    /// <summary>500 SYSTEM_ERROR; not processed.</summary>
    ServerError,

    /// <summary>503 SERVICE_UNAVAILABLE, with Retry-After when <see cref="FaultRule.RetryAfterSeconds"/> is set; not processed.</summary>
    ServiceUnavailable,

    /// <summary>Processed and recorded; the signature is well-formed Base64 of wrong bytes.</summary>
    CorruptSignature,

    /// <summary>Processed and recorded; the signature is "WECHATPAY/SIGNTEST/" and random Base64.</summary>
    SignatureProbe,

    /// <summary>Processed and recorded; signed by a key the client was never given, under a serial it cannot know.</summary>
    UnknownSerial,

    /// <summary>Processed and recorded; correctly signed, but with a timestamp 600 s in the past.</summary>
    StaleTimestamp,

    /// <summary>Processed and recorded; no Wechatpay-* signature headers at all.</summary>
    MissingSignature,

    /// <summary>The connection is aborted before anything is recorded.</summary>
    ResetBeforeProcessing,

    /// <summary>The terminate is recorded, then the connection is aborted without an answer.</summary>
    ResetAfterProcessing,

    /// <summary>502 with an HTML body from a gateway, unsigned; not processed.</summary>
    HtmlError,

    /// <summary>500 whose application/json body is not JSON; not processed.</summary>
    GarbageBody,

    /// <summary>Never answers: waits until the client disconnects or 120 s pass, then drops the connection.</summary>
    Hang,

    /// <summary>
    /// 400 PARAM_ERROR, correctly signed, whose message is padded so that the body is 100 KiB: more than a client
    /// should ever buffer from WeChat Pay, so it must stop reading rather than trust the Content-Length. Not processed.
    /// </summary>
    OversizedBody,

    /// <summary>
    /// 302 to the same path and query on https://evil.example.com, without a body or signature, as a hijacking
    /// proxy would answer: a client must not follow it and take the answer from elsewhere. Not processed.
    /// </summary>
    Redirect,

    /// <summary>
    /// 403 NO_AUTH "请检查服务授权状态", correctly signed, as WeChat Pay refuses a merchant that may not end this
    /// authorization; not processed, so the authorization keeps its state.
    /// </summary>
    NoAuth,

    /// <summary>400 INVALID_REQUEST "请求不符合业务规则", correctly signed; not processed, so the authorization keeps its state.</summary>
    InvalidRequest,

    /// <summary>Processed and recorded; correctly signed, then one letter or digit of the body changed (an answer without a body is left alone).</summary>
    TamperedBody,

    /// <summary>GET /v3/certificates only: the first certificate is listed under a serial_no that is not its own; correctly signed.</summary>
    WrongCertificateSerial,

    /// <summary>GET /v3/certificates only: the first certificate is listed twice, each entry encrypted with its own nonce; correctly signed.</summary>
    DuplicatedCertificate,
}

/// <summary>Which requests a <see cref="FaultRule"/> applies to.</summary>
public enum FaultTarget
{
    /// <summary>Every API request.</summary>
    Any,

    /// <summary>Terminates only, on any route, so that the query a client settles with stays clean.</summary>
    Terminate,

    /// <summary>Only the queries: by openid, by authorization code and the partner search.</summary>
    Query,

    /// <summary>Only GET /v3/certificates.</summary>
    Certificates,
}

/// <summary>When and how often a <see cref="FaultKind"/> is injected.</summary>
public sealed class FaultRule
{
    public FaultKind Kind { get; set; }

    /// <summary>
    /// Only requests about this (decoded) openid; null matches any request. A request by authorization code is
    /// matched by its code, a partner request by its openid or sub_openid, whichever it carries.
    /// </summary>
    public string? OpenId { get; set; }

    /// <summary>Only requests of this kind; <see cref="FaultTarget.Any"/> (the default) matches every request.</summary>
    public FaultTarget Target { get; set; }

    /// <summary>How many times the rule may fire; null is unlimited. Only requests the rule matches use it up.</summary>
    public int? Count { get; set; }

    /// <summary>Chance, from 0 to 1, that the rule fires for a matching request.</summary>
    public double Probability { get; set; } = 1.0;

    /// <summary>For <see cref="FaultKind.Latency"/>.</summary>
    public int DelayMs { get; set; }

    /// <summary>For <see cref="FaultKind.RateLimited"/> and <see cref="FaultKind.ServiceUnavailable"/>: the Retry-After header, in seconds; none when null.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>
    /// For the error faults (RateLimited, ServerError, ServiceUnavailable, NoAuth, InvalidRequest): the answer comes
    /// without any Wechatpay-* signature headers, as some of WeChat Pay's error answers do.
    /// </summary>
    public bool Unsigned { get; set; }

    /// <summary>For <see cref="FaultKind.RateLimited"/>: the code of the 429 (other WeChat Pay products answer RATELIMIT_EXCEED); FREQUENCY_LIMITED when null.</summary>
    public string? Code { get; set; }
}

/// <summary>
/// The ordered fault rules. Reads take a snapshot of an immutable array so that request threads never lock;
/// each rule's remaining count lives here, not in the caller's <see cref="FaultRule"/>, which stays untouched.
/// </summary>
/// <remarks>
/// Whether a rule with a <see cref="FaultRule.Probability"/> fires is drawn from <see cref="Seed"/>, the rule's place
/// in the plan, the request's subject and operation, and how many requests of that subject and operation came before
/// it; not from a shared random source, whose draws would go to whichever request of many in flight came first. So
/// the same seed gives each row the same faults again, however the client's requests interleave (as long as the
/// client sends each row's requests in the same order), and a failure seen once can be run again.
/// </remarks>
internal sealed class FaultPlan(int seed)
{
    private readonly object _writeGate = new();
    private readonly ConcurrentDictionary<(string Subject, PayscoreOperation Operation), int> _drawn = new();
    private ArmedRule[] _rules = [];
    private int _seed = seed;

    public bool IsEmpty => Volatile.Read(ref _rules).Length == 0;

    /// <summary>What the chance of every rule is drawn from; changing it starts the count of requests over.</summary>
    public int Seed
    {
        get => Volatile.Read(ref _seed);
        set
        {
            Volatile.Write(ref _seed, value);
            _drawn.Clear();
        }
    }

    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!Enum.IsDefined(rule.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown fault kind.");
        }

        if (!Enum.IsDefined(rule.Target))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Target, "Unknown fault target.");
        }

        if (rule.Count is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Count, "Count must not be negative.");
        }

        if (double.IsNaN(rule.Probability) || rule.Probability < 0 || rule.Probability > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Probability, "Probability must be between 0 and 1.");
        }

        if (rule.DelayMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.DelayMs, "DelayMs must not be negative.");
        }

        if (rule.RetryAfterSeconds is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.RetryAfterSeconds, "RetryAfterSeconds must not be negative.");
        }

        var armed = new ArmedRule(rule.Kind, rule.Target, rule.OpenId, rule.Count ?? -1, rule.Probability, rule.DelayMs, rule.RetryAfterSeconds, rule.Unsigned, rule.Code);
        lock (_writeGate)
        {
            _rules = [.. _rules, armed];
        }
    }

    /// <summary>Removes every rule and starts the count of requests over; the seed stays.</summary>
    public void Clear()
    {
        lock (_writeGate)
        {
            _rules = [];
        }

        _drawn.Clear();
    }

    /// <summary>
    /// The first rule that matches <paramref name="openId"/> (the subject's <see cref="AuthorizationSubject.FaultKey"/>)
    /// and <paramref name="operation"/> and fires, its count taken; null when none does. Target and openid are checked
    /// before the count, so that requests a rule does not match never use up its firings.
    /// </summary>
    public ArmedRule? Draw(string openId, PayscoreOperation operation)
    {
        ArmedRule[] rules = Volatile.Read(ref _rules);
        int seed = Seed;
        int request = -1;
        for (int place = 0; place < rules.Length; place++)
        {
            ArmedRule rule = rules[place];
            if (!rule.Matches(openId, operation))
            {
                continue;
            }

            if (rule.Probability < 1.0)
            {
                if (request < 0)
                {
                    request = _drawn.AddOrUpdate((openId, operation), 0, (_, before) => before + 1);
                }

                if (Chance(seed, place, openId, operation, request) >= rule.Probability)
                {
                    continue;
                }
            }

            if (rule.TryTake())
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// A number in [0, 1) that depends only on its arguments: FNV-1a over the subject, mixed with the rest by
    /// SplitMix64's finalizer (string.GetHashCode differs from process to process).
    /// </summary>
    internal static double Chance(int seed, int place, string subject, PayscoreOperation operation, int request)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in subject)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = Mix(hash ^ (uint)seed);
        hash = Mix(hash ^ ((ulong)(uint)place << 32 | (uint)operation));
        hash = Mix(hash ^ (uint)request);
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal sealed class ArmedRule(
        FaultKind kind, FaultTarget target, string? openId, int remaining, double probability, int delayMs, int? retryAfterSeconds = null, bool unsigned = false, string? code = null)
    {
        private int _remaining = remaining;

        public FaultKind Kind { get; } = kind;

        public FaultTarget Target { get; } = target;

        public string? OpenId { get; } = openId;

        public double Probability { get; } = probability;

        public int DelayMs { get; } = delayMs;

        public int? RetryAfterSeconds { get; } = retryAfterSeconds;

        public bool Unsigned { get; } = unsigned;

        public string? Code { get; } = code;

        public bool Matches(string openId, PayscoreOperation operation)
        {
            bool targeted = Target switch
            {
                FaultTarget.Terminate => operation.IsTerminate(),
                FaultTarget.Query => operation.IsQuery(),
                FaultTarget.Certificates => operation == PayscoreOperation.ListCertificates,
                _ => true,
            };
            return targeted && (OpenId == null || string.Equals(OpenId, openId, StringComparison.Ordinal));
        }

        /// <summary>Takes one firing; a negative count means unlimited.</summary>
        public bool TryTake()
        {
            while (true)
            {
                int current = Volatile.Read(ref _remaining);
                if (current < 0)
                {
                    return true;
                }

                if (current == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
                {
                    return true;
                }
            }
        }
    }
}
