using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// Serves the /v3/ API: global latency, the request checks in WeChat Pay's order, then at most one injected
/// fault, then the Pay Score business rules; every answer WeChat Pay itself would send is signed.
/// </summary>
internal sealed class ApiHandler(
    WechatpaySimulator simulator,
    RequestAuthenticator authenticator,
    ResponseSigner signer,
    ReceivedSignatureLog signatures,
    FaultPlan faults,
    RateLimitGate rateLimit,
    AuthorizationStore store,
    SimulatorJournal journal,
    ILogger logger,
    CancellationToken stopping)
{
    private const int MaxBodyBytes = 64 * 1024;
    private const int HangLimitMs = 120_000;
    private const string JsonContentType = "application/json; charset=utf-8";
    private const int OversizedBodyBytes = 100 * 1024;
    private const string RedirectOrigin = "https://evil.example.com";

    private static readonly object AnswerDueKey = new();
    private static readonly byte[] HtmlBadGateway = "<html><body>502 Bad Gateway</body></html>"u8.ToArray();
    private static readonly byte[] GarbageJson = "not json {{{"u8.ToArray();
    private static readonly ApiError Oversized = OversizedError();

    public async Task HandleAsync(HttpContext context)
    {
        journal.Enter();
        try
        {
            await HandleCoreAsync(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing is left to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unexpected failure answering {Method} {Path}", context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                var error = new ApiError(500, "SYSTEM_ERROR", "系统错误");
                await WriteAsync(context, ResponseSigner.NewRequestId(), signer.Select(context.Request), error.Status, JsonContentType,
                    error.ToJson(), SignatureTampering.None);
            }
            else
            {
                context.Abort();
            }
        }
        finally
        {
            journal.Leave();
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string requestId = ResponseSigner.NewRequestId();
        SigningKey? key = signer.Select(request);
        string method = request.Method;
        string rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;

        // Logged before anything can refuse or drop the request: what a client sent may leak whatever came of it.
        signatures.Record(request.Headers.Authorization);
        int query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        if ((query < 0 ? rawTarget : rawTarget[..query]).EndsWith("/terminate", StringComparison.Ordinal))
        {
            journal.CountTerminateRequest();
        }

        // The Date header tells the simulator's clock, offset included, as WeChat Pay's tells its own: a client whose
        // request is refused for its timestamp learns the clock from it even when the refusal is unsigned.
        context.Response.Headers.Date = simulator.Now().ToString("r", CultureInfo.InvariantCulture);

        // The latency is the time from the request to the answer, as a client sees it: half of it passes before
        // the request is processed (its way there), the rest until the answer is written (its way back), less the
        // simulator's own work, so that the benchmark's ideal of ThrottleLimit / latency is a fair target.
        int latency = simulator.LatencyMs;
        context.Items[AnswerDueKey] = Stopwatch.GetTimestamp() + (latency * Stopwatch.Frequency / 1000);
        if (latency > 0 && !await DelayAsync(context, TimeSpan.FromMilliseconds(latency / 2.0)))
        {
            return;
        }

        if (!rawTarget.StartsWith("/v3/", StringComparison.Ordinal))
        {
            await RejectAsync(context, requestId, key, method, rawTarget, PayscoreRoute.NotFound());
            return;
        }

        ApiError? error = authenticator.CheckHeaders(request, simulator.Now().ToUnixTimeSeconds(), out AuthorizationParameters authorization);
        if (error != null)
        {
            await RejectAsync(context, requestId, key, method, rawTarget, error, CredentialRefusalSigning());
            return;
        }

        byte[]? body = await ReadBodyAsync(request.BodyReader, context.RequestAborted);
        error = body == null
            ? new ApiError(413, "INVALID_REQUEST", $"请求体超过{MaxBodyBytes}字节")
            : authenticator.VerifySignature(method, rawTarget, authorization, body);
        if (error != null)
        {
            authenticator.Release(authorization);
            await RejectAsync(context, requestId, key, method, rawTarget, error, body == null ? SignatureTampering.None : CredentialRefusalSigning());
            return;
        }

        PayscoreRequest? bound = null;
        string algorithm = string.Empty;
        error = PayscoreRoute.TryMatch(method, rawTarget, out PayscoreRoute route);
        bool listing = error == null && route.Operation == PayscoreOperation.ListCertificates;
        if (listing)
        {
            journal.CountCertificateRequest();
        }

        error ??= listing ? CertificateListing.CheckQuery(route.Query, out algorithm) : PayscoreRequest.TryBind(request, route, body, out bound);
        if (error != null)
        {
            await RejectAsync(context, requestId, key, method, rawTarget, error);
            return;
        }

        // The merchant's rate limit is WeChat Pay's first answer to a well-formed request; it is not a fault and
        // comes before any.
        if (!rateLimit.TryPass())
        {
            await WriteRateLimitedAsync(context, requestId, key, rateLimit.RetryAfterSeconds);
            return;
        }

        FaultPlan.ArmedRule? fault = faults.IsEmpty ? null : faults.Draw(bound?.Subject.FaultKey ?? string.Empty, route.Operation);
        SignatureTampering tampering = SignatureTampering.None;
        switch (fault?.Kind)
        {
            case FaultKind.Latency:
                if (!await DelayAsync(context, fault.DelayMs))
                {
                    return;
                }

                break;
            case FaultKind.RateLimited:
                await WriteRateLimitedAsync(context, requestId, key, fault.RetryAfterSeconds, fault.Code, SigningOf(fault));
                return;
            case FaultKind.ServerError:
                await WriteErrorAsync(context, requestId, key, new ApiError(500, "SYSTEM_ERROR", "系统繁忙,请稍后重试"), SigningOf(fault));
                return;
            case FaultKind.NoAuth:
                await WriteErrorAsync(context, requestId, key, ApiError.NoAuth(), SigningOf(fault));
                return;
            case FaultKind.InvalidRequest:
                await WriteErrorAsync(context, requestId, key, ApiError.InvalidRequest("请求不符合业务规则"), SigningOf(fault));
                return;
            case FaultKind.ServiceUnavailable:
                SetRetryAfter(context, fault.RetryAfterSeconds);
                await WriteErrorAsync(context, requestId, key, new ApiError(503, "SERVICE_UNAVAILABLE", "服务不可用，请稍后重试"), SigningOf(fault));
                return;
            case FaultKind.HtmlError:
                // A gateway in front of WeChat Pay answers this one: no Request-ID, no signature.
                if (!await WaitUntilAnswerDueAsync(context))
                {
                    return;
                }

                context.Response.StatusCode = 502;
                context.Response.ContentType = "text/html";
                context.Response.ContentLength = HtmlBadGateway.Length;
                await context.Response.Body.WriteAsync(HtmlBadGateway, context.RequestAborted);
                return;
            case FaultKind.GarbageBody:
                await WriteAsync(context, requestId, key, 500, "application/json", GarbageJson, SignatureTampering.None);
                return;
            case FaultKind.OversizedBody:
                await WriteErrorAsync(context, requestId, key, Oversized);
                return;
            case FaultKind.Redirect:
                // A hijacking proxy answers this one: no Request-ID, no signature, no body. The raw target keeps
                // the path (and the query) exactly as the client sent it.
                if (!await WaitUntilAnswerDueAsync(context))
                {
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = RedirectOrigin + rawTarget;
                context.Response.ContentLength = 0;
                return;
            case FaultKind.ResetBeforeProcessing:
                await WaitUntilAnswerDueAsync(context);
                context.Abort();
                return;
            case FaultKind.Hang:
                await DelayAsync(context, HangLimitMs);
                context.Abort();
                return;
            case FaultKind.CorruptSignature:
                tampering = SignatureTampering.Corrupt;
                break;
            case FaultKind.SignatureProbe:
                tampering = SignatureTampering.Probe;
                break;
            case FaultKind.UnknownSerial:
                tampering = SignatureTampering.UnknownSerial;
                break;
            case FaultKind.StaleTimestamp:
                tampering = SignatureTampering.Stale;
                break;
            case FaultKind.MissingSignature:
                tampering = SignatureTampering.Missing;
                break;
            case FaultKind.TamperedBody:
                tampering = SignatureTampering.BodyChanged;
                break;
        }

        (int status, byte[] answer) = listing
            ? ListCertificates(method, rawTarget, algorithm, fault?.Kind)
            : Process(bound!, requestId, method, rawTarget);
        if (fault?.Kind == FaultKind.ResetAfterProcessing)
        {
            await WaitUntilAnswerDueAsync(context);
            context.Abort();
            return;
        }

        await WriteAsync(context, requestId, key, status, JsonContentType, answer, tampering);
    }

    private (int Status, byte[] Body) ListCertificates(string method, string rawTarget, string algorithm, FaultKind? fault)
    {
        if (simulator.PublicKeyOnly)
        {
            ApiError refusal = CertificateListing.NotAvailable();
            journal.Record(new RejectedRequest(method, rawTarget, refusal.Status, refusal.Code, refusal.Message));
            return (refusal.Status, refusal.ToJson());
        }

        return (200, CertificateListing.Answer(
            simulator.PlatformCertificates.Listed, simulator.Keys.ApiV3Key, algorithm, fault == FaultKind.WrongCertificateSerial, fault == FaultKind.DuplicatedCertificate));
    }

    private (int Status, byte[] Body) Process(PayscoreRequest request, string requestId, string method, string rawTarget)
    {
        if (!request.Route.IsTerminate)
        {
            return (200, QueryAnswer(request));
        }

        // Counted whatever the store answers: a terminate that reaches an authorization is what a client must
        // never send twice, even when it is refused as already ended or its answer is lost.
        AuthorizationSubject subject = request.Subject;
        journal.CountProcessedTerminate(subject);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        TerminateOutcome outcome = store.Terminate(subject, now);
        ApiError? refusal = outcome switch
        {
            TerminateOutcome.NeverAuthorized => ApiError.InvalidRequest("用户未授权该服务"),
            TerminateOutcome.AlreadyTerminated => simulator.AlreadyTerminated switch
            {
                AlreadyTerminatedBehavior.Error => ApiError.InvalidRequest("该用户的授权已解除，无需重复解除"),
                AlreadyTerminatedBehavior.NoAuth => ApiError.NoAuth(),
                _ => null,
            },
            _ => null,
        };
        if (refusal != null)
        {
            journal.Record(new RejectedRequest(method, rawTarget, refusal.Status, refusal.Code, refusal.Message));
            return (refusal.Status, refusal.ToJson());
        }

        journal.Record(new RecordedTerminate(
            request.Route.RecordedName, subject.OpenId, subject.ServiceId, request.AppId, request.Reason!, requestId, now,
            subject.AuthorizationCode, subject.SubMerchantId, request.SubAppId, subject.SubOpenId));
        return (204, []);
    }

    /// <summary>
    /// The query answer in WeChat Pay's field names: the request's identifying fields, then the state and its times.
    /// The partner answer's mchid is the service provider's, that is the simulator's merchant id.
    /// </summary>
    private byte[] QueryAnswer(PayscoreRequest request)
    {
        AuthorizationSubject subject = request.Subject;
        AuthorizationView view = store.Query(subject);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            writer.WriteStartObject();
            switch (request.Route.Operation)
            {
                case PayscoreOperation.QueryByOpenId:
                    writer.WriteString("appid", request.AppId);
                    writer.WriteString("mchid", simulator.Keys.MerchantId);
                    writer.WriteString("service_id", subject.ServiceId);
                    writer.WriteString("openid", subject.OpenId);
                    break;
                case PayscoreOperation.QueryByAuthorizationCode:
                    writer.WriteString("mchid", simulator.Keys.MerchantId);
                    writer.WriteString("service_id", subject.ServiceId);
                    writer.WriteString("authorization_code", subject.AuthorizationCode);
                    break;
                case PayscoreOperation.PartnerQueryByAuthorizationCode:
                    writer.WriteString("mchid", simulator.Keys.MerchantId);
                    writer.WriteString("sub_mchid", subject.SubMerchantId);
                    writer.WriteString("service_id", subject.ServiceId);
                    writer.WriteString("authorization_code", subject.AuthorizationCode);
                    break;
                default:
                    writer.WriteString("mchid", simulator.Keys.MerchantId);
                    writer.WriteString("sub_mchid", subject.SubMerchantId);
                    writer.WriteString("service_id", subject.ServiceId);
                    writer.WriteString("appid", request.AppId);
                    if (request.SubAppId != null)
                    {
                        writer.WriteString("sub_appid", request.SubAppId);
                    }

                    if (subject.OpenId != null)
                    {
                        writer.WriteString("openid", subject.OpenId);
                    }
                    else
                    {
                        writer.WriteString("sub_openid", subject.SubOpenId);
                    }

                    break;
            }

            writer.WriteString("authorization_state", view.State);
            writer.WriteString("authorization_success_time", Rfc3339China(view.AuthorizedAt));
            if (view.CancelledAt is { } cancelled)
            {
                writer.WriteString("cancel_authorization_time", Rfc3339China(cancelled));
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Exactly <see cref="OversizedBodyBytes"/> of valid JSON: the padding is ASCII, one byte a character, so the
    /// message is lengthened by what the unpadded body lacks.
    /// </summary>
    private static ApiError OversizedError()
    {
        const string message = "参数错误";
        int unpadded = new ApiError(400, "PARAM_ERROR", message).ToJson().Length;
        var error = new ApiError(400, "PARAM_ERROR", message + new string('x', OversizedBodyBytes - unpadded));
        Debug.Assert(error.ToJson().Length == OversizedBodyBytes);
        return error;
    }

    internal static string Rfc3339China(DateTimeOffset time) =>
        time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private Task WriteRateLimitedAsync(
        HttpContext context, string requestId, SigningKey? key, int? retryAfterSeconds, string? code = null, SignatureTampering tampering = SignatureTampering.None)
    {
        journal.CountRateLimited();
        SetRetryAfter(context, retryAfterSeconds);
        return WriteErrorAsync(context, requestId, key, new ApiError(429, code ?? "FREQUENCY_LIMITED", "请求频率超过限制，请降低频率后重试"), tampering);
    }

    private static SignatureTampering SigningOf(FaultPlan.ArmedRule fault) => fault.Unsigned ? SignatureTampering.Missing : SignatureTampering.None;

    private static void SetRetryAfter(HttpContext context, int? seconds)
    {
        if (seconds is int value)
        {
            context.Response.Headers.RetryAfter = value.ToString(CultureInfo.InvariantCulture);
        }
    }

    private Task RejectAsync(
        HttpContext context, string requestId, SigningKey? key, string method, string rawTarget, ApiError error, SignatureTampering tampering = SignatureTampering.None)
    {
        journal.Record(new RejectedRequest(method, rawTarget, error.Status, error.Code, error.Message));
        return WriteErrorAsync(context, requestId, key, error, tampering);
    }

    /// <summary>How a refusal of the request's credentials (its headers, serial, timestamp, nonce or signature) is signed.</summary>
    private SignatureTampering CredentialRefusalSigning() => simulator.UnsignedCredentialRefusals ? SignatureTampering.Missing : SignatureTampering.None;

    private Task WriteErrorAsync(HttpContext context, string requestId, SigningKey? key, ApiError error, SignatureTampering tampering = SignatureTampering.None)
    {
        if (error.Allow != null)
        {
            context.Response.Headers.Allow = error.Allow;
        }

        return WriteAsync(context, requestId, key, error.Status, JsonContentType, error.ToJson(), tampering);
    }

    private async Task WriteAsync(
        HttpContext context, string requestId, SigningKey? key, int status, string contentType, byte[] body, SignatureTampering tampering)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        signer.Sign(response, requestId, body, key, tampering);
        if (tampering == SignatureTampering.BodyChanged)
        {
            body = ChangeOneCharacter(body);
        }

        if (!await WaitUntilAnswerDueAsync(context))
        {
            return;
        }

        if (status == StatusCodes.Status204NoContent)
        {
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A copy with the letter or digit nearest the middle swapped for another, so that JSON stays JSON (and Base64 Base64).</summary>
    private static byte[] ChangeOneCharacter(byte[] body)
    {
        byte[] changed = (byte[])body.Clone();
        for (int offset = 0; offset < changed.Length; offset++)
        {
            int i = (changed.Length / 2) + offset;
            if (i < changed.Length && char.IsAsciiLetterOrDigit((char)changed[i]))
            {
                changed[i] = changed[i] == (byte)'A' ? (byte)'B' : (byte)'A';
                break;
            }
        }

        return changed;
    }

    /// <summary>Waits out the rest of the latency; false when the wait was cut short (the connection is then dropped).</summary>
    private Task<bool> WaitUntilAnswerDueAsync(HttpContext context)
    {
        if (context.Items[AnswerDueKey] is not long due)
        {
            return Task.FromResult(true);
        }

        context.Items.Remove(AnswerDueKey);
        TimeSpan remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        return remaining > TimeSpan.FromMilliseconds(0.5) ? DelayAsync(context, remaining) : Task.FromResult(true);
    }

    /// <summary>False when the wait was cut short (client gone or simulator stopping); the connection is then dropped.</summary>
    private Task<bool> DelayAsync(HttpContext context, int milliseconds) => DelayAsync(context, TimeSpan.FromMilliseconds(milliseconds));

    private async Task<bool> DelayAsync(HttpContext context, TimeSpan wait)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(wait, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            // Returning without an answer would let the server send an empty 200.
            context.Abort();
            return false;
        }
    }

    /// <summary>The exact body bytes, or null when the body exceeds <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                byte[] body = buffer.Length == 0 ? [] : buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
