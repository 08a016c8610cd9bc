using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// A WeChat Pay APIv3 server for the Pay Score permission endpoints, on 127.0.0.1 with throwaway keys. It checks
/// requests as strictly as WeChat Pay, signs its answers, records what it accepted and refused, and can inject
/// faults. Safe to use from many threads; <see cref="Reset"/> between tests.
/// </summary>
public sealed class WechatpaySimulator : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly FaultPlan _faults;
    private readonly RateLimitGate _rateLimit = new();
    private readonly SimulatorJournal _journal = new();
    private readonly AuthorizationStore _store = new();
    private readonly NonceCache _nonces = new();
    private readonly ReceivedSignatureLog _signatures = new();
    private readonly ResponseSigner _signer;
    private readonly NotificationWriter _notifications;
    private readonly PlatformCertificateSet _platforms;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WebApplication _app;
    private int _latencyMs;
    private int _alreadyTerminated;
    private int _publicKeyOnly;
    private int _certificateListByPlatform;
    private int _unsignedCredentialRefusals;
    private long _clockOffsetSeconds;
    private int _disposed;
    private SimulatorInfo? _info;

    private WechatpaySimulator(SimulatorOptions options, SimulatorKeys keys)
    {
        _options = options;
        Keys = keys;
        _latencyMs = options.LatencyMs;
        _alreadyTerminated = (int)options.AlreadyTerminated;
        _publicKeyOnly = options.PublicKeyOnly ? 1 : 0;
        _faults = new FaultPlan(options.FaultSeed!.Value);
        _platforms = new PlatformCertificateSet(keys);
        _signer = new ResponseSigner(keys, _platforms, options.ResponseSigning, _journal, Now, () => PublicKeyOnly, () => CertificateListSignedByPlatformCertificate);
        _notifications = new NotificationWriter(keys, _store, Now);
        _app = BuildApplication();
    }

    /// <summary>http://127.0.0.1:{port}</summary>
    public Uri BaseUri { get; private set; } = null!;

    public SimulatorKeys Keys { get; }

    /// <summary>Added to every API request before it is checked; 0 by default.</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _latencyMs, value);
        }
    }

    /// <summary>How a terminate of an authorization that is already ended is answered; <see cref="SimulatorOptions.AlreadyTerminated"/> at first.</summary>
    public AlreadyTerminatedBehavior AlreadyTerminated
    {
        get => (AlreadyTerminatedBehavior)Volatile.Read(ref _alreadyTerminated);
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown behaviour.");
            }

            Volatile.Write(ref _alreadyTerminated, (int)value);
        }
    }

    /// <summary>
    /// A merchant registered since October 2024: it has only the WeChat Pay public key, so every answer is signed with
    /// it and GET /v3/certificates answers 404 RESOURCE_NOT_EXISTS. <see cref="SimulatorOptions.PublicKeyOnly"/> at first.
    /// </summary>
    public bool PublicKeyOnly
    {
        get => Volatile.Read(ref _publicKeyOnly) == 1;
        set => Volatile.Write(ref _publicKeyOnly, value ? 1 : 0);
    }

    /// <summary>
    /// GET /v3/certificates answers are signed with the (newest) platform certificate whatever the request's
    /// <c>Wechatpay-Serial</c> names, as the public SDKs imply WeChat Pay does; whether it does is not known, so a
    /// client must work either way. Off at start and after <see cref="Reset"/>.
    /// </summary>
    public bool CertificateListSignedByPlatformCertificate
    {
        get => Volatile.Read(ref _certificateListByPlatform) == 1;
        set => Volatile.Write(ref _certificateListByPlatform, value ? 1 : 0);
    }

    /// <summary>
    /// Refusals of a request's credentials (401 SIGN_ERROR for its serial, timestamp, nonce or signature; 400 for a
    /// missing Accept or User-Agent) come without any Wechatpay-* signature headers, as some of WeChat Pay's error
    /// answers do; the Date header still tells the simulator's clock. Off at start and after <see cref="Reset"/>.
    /// </summary>
    public bool UnsignedCredentialRefusals
    {
        get => Volatile.Read(ref _unsignedCredentialRefusals) == 1;
        set => Volatile.Write(ref _unsignedCredentialRefusals, value ? 1 : 0);
    }

    /// <summary>GET /v3/certificates requests that passed the signature check since start or the last reset, faulted ones included.</summary>
    public int CertificateRequests => _journal.CertificateRequests;

    /// <summary>
    /// API requests to a terminate route (any of them: a path ending in /terminate) since start or the last reset,
    /// whatever came of them: refused on their credentials, faulted or processed. Lets tests check that a client sent
    /// no terminate at all.
    /// </summary>
    public int TerminateRequests => _journal.TerminateRequests;

    /// <summary>The serials GET /v3/certificates lists, newest first.</summary>
    public IReadOnlyList<string> PlatformSerialNumbers => _platforms.Listed.Select(c => c.Serial).ToArray();

    internal PlatformCertificateSet PlatformCertificates => _platforms;

    /// <summary>
    /// First step of a rotation: a new platform certificate, listed first by GET /v3/certificates; answers are still
    /// signed with the current one, as WeChat Pay lists a new certificate about a day before it signs with it. Returns its serial.
    /// </summary>
    public string AddPlatformCertificate() => _platforms.Add();

    /// <summary>
    /// Second step of a rotation: answers signed by a platform certificate are signed with the newest listed one,
    /// after <paramref name="afterAnswers"/> more of them (0: from the next). A request whose Wechatpay-Serial names a
    /// listed certificate is still answered with that one (Auto mode).
    /// </summary>
    public void SignWithNewestPlatformCertificate(int afterAnswers = 0) => _platforms.SignWithNewest(afterAnswers);

    /// <summary>
    /// How far the simulator's clock is from the real one, in seconds: it checks request timestamps and stamps its
    /// answers by it, as a WeChat Pay would whose clock (or the client's) is off. 0 by default.
    /// </summary>
    public long ClockOffsetSeconds
    {
        get => Interlocked.Read(ref _clockOffsetSeconds);
        set => Interlocked.Exchange(ref _clockOffsetSeconds, value);
    }

    /// <summary>
    /// WeChat Pay's rate limit for the merchant in requests a second (a token bucket holding a quarter second of
    /// them); 0, the default, is none. Requests beyond it are answered 429 FREQUENCY_LIMITED and not processed.
    /// </summary>
    public double RateLimitPerSecond => _rateLimit.PerSecond;

    /// <summary>Answers 429 FREQUENCY_LIMITED since start or the last reset, by the rate limit or by an injected fault.</summary>
    public int RateLimitedCount => _journal.RateLimited;

    /// <summary>Accepted terminates, in the order they were accepted (a snapshot).</summary>
    public IReadOnlyList<RecordedTerminate> Terminates => _journal.Terminates;

    /// <summary>Requests the simulator refused on its own account: failed checks and business refusals (a snapshot).</summary>
    public IReadOnlyList<RejectedRequest> Rejected => _journal.Rejected;

    /// <summary>
    /// How many terminates for the subject reached processing, that is the point where the authorization is ended:
    /// accepted ones, ones refused because it was already ended or never authorized, and ones whose connection
    /// <see cref="FaultKind.ResetAfterProcessing"/> dropped afterwards; not ones that failed a check or that an
    /// injected fault answered instead. 0 when none did. Lets tests check that a client never terminates twice.
    /// Each namespace counts apart: terminating by code does not count for the openid of the same user.
    /// </summary>
    public int ProcessedTerminates(AuthorizationSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return _journal.ProcessedTerminates(subject);
    }

    /// <summary><see cref="ProcessedTerminates(AuthorizationSubject)"/> of the merchant's (openid, service_id).</summary>
    public int ProcessedTerminates(string openId, string serviceId) =>
        ProcessedTerminates(AuthorizationSubject.ByOpenId(openId, serviceId));

    /// <summary>API requests received, faulted and refused ones included; control endpoints are not counted.</summary>
    public int RequestCount => _journal.RequestCount;

    public int InFlight => _journal.InFlight;

    public int MaxInFlight => _journal.MaxInFlight;

    /// <summary>
    /// Answers signed with the WeChat Pay public key, in every signing mode; counted when signed. Answers whose
    /// signature an injected fault replaced (corrupt, probe, unknown serial) count for neither key, stale ones do.
    /// </summary>
    public long AnswersSignedByPublicKey => _journal.AnswersSignedByPublicKey;

    /// <summary>Answers signed with the platform certificate's key, counted like <see cref="AnswersSignedByPublicKey"/>.</summary>
    public long AnswersSignedByPlatformCertificate => _journal.AnswersSignedByPlatformCertificate;

    /// <summary>
    /// The <c>signature="..."</c> value of every API request's Authorization header, valid or not, in the order
    /// received (a snapshot), so that tests can check a client never leaks them. Empty values are left out;
    /// beyond 100,000 entries nothing more is added, the earliest are kept.
    /// </summary>
    public IReadOnlyList<string> ReceivedSignatures => _signatures.Snapshot();

    internal SimulatorInfo Info => _info!;

    /// <summary>Completes when POST /__sim/shutdown has been answered.</summary>
    internal Task ShutdownRequested => _shutdownRequested.Task;

    public static async Task<WechatpaySimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatorOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.MerchantId, nameof(options.MerchantId));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfNegative(options.TimestampSkewSeconds, nameof(options.TimestampSkewSeconds));
        ArgumentOutOfRangeException.ThrowIfNegative(options.LatencyMs, nameof(options.LatencyMs));

        // The options object stays the caller's; a copy keeps later changes from reaching a running server.
        var frozen = new SimulatorOptions
        {
            MerchantId = options.MerchantId,
            KeyDirectory = options.KeyDirectory,
            Port = options.Port,
            ResponseSigning = options.ResponseSigning,
            AlreadyTerminated = options.AlreadyTerminated,
            TimestampSkewSeconds = options.TimestampSkewSeconds,
            LatencyMs = options.LatencyMs,
            PublicKeyOnly = options.PublicKeyOnly,
            FaultSeed = options.FaultSeed ?? Random.Shared.Next(),
        };

        // Three RSA-2048 key generations take a noticeable moment; keep them off the caller's thread.
        SimulatorKeys keys = await Task.Run(() => SimulatorKeys.Create(frozen.MerchantId, frozen.KeyDirectory), cancellationToken);
        var simulator = new WechatpaySimulator(frozen, keys);
        try
        {
            await simulator._app.StartAsync(cancellationToken);
            simulator.OnStarted();
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A Pay Score notification as WeChat Pay would POST it to the merchant's notify_url, signed and encrypted with this
    /// simulator's keys; one without a fault also sets the authorization's state, as the event it reports does.
    /// </summary>
    public SimulatedNotification WriteNotification(NotificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _notifications.Write(request);
    }

    /// <summary>
    /// What fault rules with a <see cref="FaultRule.Probability"/> draw their chance from: with the same seed and the
    /// same rules, each subject's requests meet the same faults again, however many are in flight. A test that draws
    /// faults sets it (and names it when it fails) so that a failure can be run again. From
    /// <see cref="SimulatorOptions.FaultSeed"/> at the start and after <see cref="Reset"/>.
    /// </summary>
    public int FaultSeed
    {
        get => _faults.Seed;
        set => _faults.Seed = value;
    }

    /// <summary>Rules are tried in order; the first that matches and fires applies, at most one per request.</summary>
    public void AddFault(FaultRule rule) => _faults.Add(rule);

    public void ClearFaults() => _faults.Clear();

    /// <summary>Sets <see cref="RateLimitPerSecond"/> (0 for none), with a Retry-After in seconds on its 429s when given.</summary>
    public void SetRateLimit(double perSecond, int? retryAfterSeconds = null) => _rateLimit.Set(perSecond, retryAfterSeconds);

    internal DateTimeOffset Now() => DateTimeOffset.UtcNow.AddSeconds(ClockOffsetSeconds);

    /// <summary>Sets a subject's state: "AVAILABLE" (every subject's default), "UNAVAILABLE" or "UNBINDUSER".</summary>
    public void SetAuthorizationState(AuthorizationSubject subject, string state)
    {
        ArgumentNullException.ThrowIfNull(subject);
        _store.Set(subject, state);
    }

    /// <summary><see cref="SetAuthorizationState(AuthorizationSubject, string)"/> of the merchant's (openid, service_id).</summary>
    public void SetAuthorizationState(string openId, string serviceId, string state) =>
        SetAuthorizationState(AuthorizationSubject.ByOpenId(openId, serviceId), state);

    /// <summary>
    /// Clears terminates, refusals, counters, processed-terminate counts, received signatures, faults (and the count of
    /// requests their chance is drawn for), the rate limit, the clock offset, unsigned credential refusals, authorization
    /// states and seen nonces, puts <see cref="LatencyMs"/>, <see cref="PublicKeyOnly"/>, <see cref="FaultSeed"/> and
    /// <see cref="AlreadyTerminated"/> back to the values the simulator started with, lists and signs with the platform
    /// certificate of the start only, and lets
    /// <see cref="ResponseSigningMode.Alternate"/> start over with the public key.
    /// </summary>
    public void Reset()
    {
        _faults.Clear();
        _rateLimit.Set(0, null);
        ClockOffsetSeconds = 0;
        _store.Clear();
        _nonces.Clear();
        _journal.Clear();
        _signatures.Clear();
        _signer.RestartAlternation();
        _platforms.Reset();
        PublicKeyOnly = _options.PublicKeyOnly;
        CertificateListSignedByPlatformCertificate = false;
        UnsignedCredentialRefusals = false;
        LatencyMs = _options.LatencyMs;
        AlreadyTerminated = _options.AlreadyTerminated;
        FaultSeed = _options.FaultSeed!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Hanging and delayed requests end first, so that stopping does not wait for them.
        await _stopping.CancelAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }

        await _app.DisposeAsync();
        Keys.Dispose();
        _platforms.Dispose();
        _stopping.Dispose();
        _shutdownRequested.TrySetResult();
    }

    internal SimulatorStateSnapshot Snapshot() => _journal.Snapshot();

    internal IReadOnlyList<ProcessedTerminateCount> ProcessedTerminateCounts() => _journal.ProcessedTerminateCounts();

    internal void RequestShutdown() => _shutdownRequested.TrySetResult();

    private WebApplication BuildApplication()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        // Logs go to stderr and only from Warning up, so that the CLI's stdout carries nothing but its info line.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // The host must not take over Ctrl+C or SIGTERM of a test process; the CLI handles signals itself.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, _options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });

        WebApplication app = builder.Build();
        var api = new ApiHandler(
            this,
            new RequestAuthenticator(Keys, _options.TimestampSkewSeconds, _nonces),
            _signer,
            _signatures,
            _faults,
            _rateLimit,
            _store,
            _journal,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WeChatPay.Payscore.Simulator"),
            _stopping.Token);
        var control = new ControlEndpoints(this);
        app.Run(context =>
            context.Request.Path.StartsWithSegments("/__sim", StringComparison.Ordinal)
                ? control.HandleAsync(context)
                : api.HandleAsync(context));
        return app;
    }

    private void OnStarted()
    {
        IServerAddressesFeature addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var bound = new Uri(addresses.Addresses.First());
        string baseUri = $"http://127.0.0.1:{bound.Port}";
        BaseUri = new Uri(baseUri);
        _info = new SimulatorInfo(
            baseUri,
            Keys.MerchantId,
            Keys.MerchantSerialNumber,
            Keys.MerchantPrivateKeyPath,
            Keys.MerchantCertificatePath,
            Keys.MerchantPkcs12Path,
            Keys.PublicKeyId,
            Keys.PublicKeyPath,
            Keys.PlatformCertificatePath,
            Keys.PlatformSerialNumber,
            Keys.ApiV3KeyPath);
    }

    private sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
