using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// The unauthenticated /__sim/ endpoints, so that tests running the simulator as a separate process can
/// read its keys and records and steer faults, latency and authorization states.
/// </summary>
internal sealed class ControlEndpoints(WechatpaySimulator simulator)
{
    public const string Prefix = "/__sim/";
    private const string NotificationsPath = "/__sim/notifications";

    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string path = request.Path.Value ?? string.Empty;
        string method = request.Method;
        try
        {
            if (path == NotificationsPath)
            {
                await WriteNotificationAsync(context);
                return;
            }

            switch (path)
            {
                case "/__sim/info" when HttpMethods.IsGet(method):
                    await WriteJsonAsync(context, simulator.Info);
                    return;
                case "/__sim/state" when HttpMethods.IsGet(method):
                    await WriteJsonAsync(context, simulator.Snapshot());
                    return;
                case "/__sim/signatures" when HttpMethods.IsGet(method):
                    // Apart from the state, which stays small: this list can run to 100,000 entries.
                    await WriteJsonAsync(context, simulator.ReceivedSignatures);
                    return;
                case "/__sim/processed" when HttpMethods.IsGet(method):
                    await WriteJsonAsync(context, simulator.ProcessedTerminateCounts());
                    return;
                case "/__sim/state" when HttpMethods.IsPost(method):
                    StateChange change = await ReadAsync<StateChange>(context);
                    AuthorizationSubject? subject = change.Subject();
                    if (subject == null || !AuthorizationStore.IsKnownState(change.State))
                    {
                        await BadRequestAsync(context, StateChange.Expected);
                        return;
                    }

                    simulator.SetAuthorizationState(subject, change.State!);
                    break;
                case "/__sim/faults" when HttpMethods.IsPost(method):
                    if (!await AddFaultsAsync(context))
                    {
                        return;
                    }

                    break;
                case "/__sim/faults" when HttpMethods.IsDelete(method):
                    simulator.ClearFaults();
                    break;
                case "/__sim/latency" when HttpMethods.IsPost(method):
                    LatencyChange latency = await ReadAsync<LatencyChange>(context);
                    if (latency.Ms is not >= 0)
                    {
                        await BadRequestAsync(context, "Expected {\"ms\": N} with N >= 0.");
                        return;
                    }

                    simulator.LatencyMs = latency.Ms.Value;
                    break;
                case "/__sim/ratelimit" when HttpMethods.IsPost(method):
                    RateLimitChange limit = await ReadAsync<RateLimitChange>(context);
                    if (limit.PerSecond is not >= 0 || limit.RetryAfterSeconds is < 0)
                    {
                        await BadRequestAsync(context, "Expected {\"perSecond\": N} with N >= 0 (0 for none), and optionally \"retryAfterSeconds\": S >= 0.");
                        return;
                    }

                    simulator.SetRateLimit(limit.PerSecond.Value, limit.RetryAfterSeconds);
                    break;
                case "/__sim/clock" when HttpMethods.IsPost(method):
                    ClockChange clock = await ReadAsync<ClockChange>(context);
                    if (clock.OffsetSeconds is not long offset)
                    {
                        await BadRequestAsync(context, "Expected {\"offsetSeconds\": N}.");
                        return;
                    }

                    simulator.ClockOffsetSeconds = offset;
                    break;
                case "/__sim/platform-certificates" when HttpMethods.IsGet(method):
                    await WriteJsonAsync(context, simulator.PlatformSerialNumbers);
                    return;
                case "/__sim/platform-certificates" when HttpMethods.IsPost(method):
                    await WriteJsonAsync(context, new AddedCertificate(simulator.AddPlatformCertificate()));
                    return;
                case "/__sim/platform-certificates/sign-with-newest" when HttpMethods.IsPost(method):
                    SigningSwitch signing = request.ContentLength is > 0 ? await ReadAsync<SigningSwitch>(context) : new SigningSwitch(0);
                    if (signing.AfterAnswers is not >= 0)
                    {
                        await BadRequestAsync(context, "Expected {\"afterAnswers\": N} with N >= 0, or no body.");
                        return;
                    }

                    simulator.SignWithNewestPlatformCertificate(signing.AfterAnswers.Value);
                    break;
                case "/__sim/merchant" when HttpMethods.IsPost(method):
                    MerchantChange merchant = await ReadAsync<MerchantChange>(context);
                    if (merchant.PublicKeyOnly is not bool publicKeyOnly)
                    {
                        await BadRequestAsync(context, "Expected {\"publicKeyOnly\": true|false}.");
                        return;
                    }

                    simulator.PublicKeyOnly = publicKeyOnly;
                    break;
                case "/__sim/reset" when HttpMethods.IsPost(method):
                    simulator.Reset();
                    break;
                case "/__sim/shutdown" when HttpMethods.IsPost(method):
                    // Signal only once the 204 has gone out, so the caller always gets its answer.
                    context.Response.OnCompleted(static state =>
                    {
                        ((WechatpaySimulator)state).RequestShutdown();
                        return Task.CompletedTask;
                    }, simulator);
                    break;
                case "/__sim/info" or "/__sim/state" or "/__sim/signatures" or "/__sim/processed" or "/__sim/faults" or "/__sim/latency"
                    or "/__sim/ratelimit" or "/__sim/clock" or "/__sim/reset" or "/__sim/shutdown"
                    or "/__sim/platform-certificates" or "/__sim/platform-certificates/sign-with-newest" or "/__sim/merchant":
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    return;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (JsonException e)
        {
            await BadRequestAsync(context, "Invalid JSON: " + e.Message);
        }
    }

    /// <summary>POST a <see cref="NotificationRequest"/> (camelCase; enums by name): the notification's id, headers, body and whole HTTP request.</summary>
    private async Task WriteNotificationAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        NotificationRequest request = await ReadAsync<NotificationRequest>(context);
        SimulatedNotification notification;
        try
        {
            notification = simulator.WriteNotification(request);
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(context, e.Message);
            return;
        }

        await WriteJsonAsync(context, new { notification.Id, notification.Headers, notification.Body, notification.HttpRequest });
    }

    private async Task<bool> AddFaultsAsync(HttpContext context)
    {
        using JsonDocument document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        JsonElement root = document.RootElement;
        bool hasKinds = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().All(HasKind),
            JsonValueKind.Object => HasKind(root),
            _ => false,
        };
        if (!hasKinds)
        {
            await BadRequestAsync(context, "Expected a fault rule object or an array of them, each with a \"kind\".");
            return false;
        }

        FaultRule[]? rules = document.RootElement.ValueKind switch
        {
            JsonValueKind.Array => document.RootElement.Deserialize<FaultRule[]>(SimulatorJson.Control),
            JsonValueKind.Object => [document.RootElement.Deserialize<FaultRule>(SimulatorJson.Control)!],
            _ => null,
        };
        if (rules == null || Array.Exists(rules, r => r == null))
        {
            await BadRequestAsync(context, "Expected a fault rule object or an array of them.");
            return false;
        }

        // All or nothing: check every rule before any is armed.
        var check = new FaultPlan(0);
        try
        {
            foreach (FaultRule rule in rules)
            {
                check.Add(rule);
            }
        }
        catch (ArgumentException e)
        {
            await BadRequestAsync(context, e.Message);
            return false;
        }

        foreach (FaultRule rule in rules)
        {
            simulator.AddFault(rule);
        }

        return true;
    }

    private static bool HasKind(JsonElement rule) =>
        rule.ValueKind == JsonValueKind.Object
        && rule.EnumerateObject().Any(p => string.Equals(p.Name, "kind", StringComparison.OrdinalIgnoreCase));

    private static async Task<T> ReadAsync<T>(HttpContext context)
        where T : class =>
        await JsonSerializer.DeserializeAsync<T>(context.Request.Body, SimulatorJson.Control, context.RequestAborted)
        ?? throw new JsonException("The body is null.");

    private static Task WriteJsonAsync<T>(HttpContext context, T value, int status = StatusCodes.Status200OK)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, SimulatorJson.Control);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static Task BadRequestAsync(HttpContext context, string message)
    {
        return WriteJsonAsync(context, new ControlError(message), StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// The subject is named as <see cref="AuthorizationSubject.From"/> takes it. Unknown fields are refused, so that a
    /// misspelt authorizationCode or subMerchantId cannot quietly set the state of the openid's own authorization.
    /// </summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record StateChange(
        string? OpenId, string? ServiceId, string? State, string? AuthorizationCode, string? SubMerchantId, string? SubOpenId)
    {
        public const string Expected =
            "Expected {\"serviceId\",\"state\"} with state AVAILABLE, UNAVAILABLE or UNBINDUSER, and one of: \"openId\"; "
            + "\"authorizationCode\" (with \"subMerchantId\" for a sub-merchant's code); \"subMerchantId\" with either \"openId\" or \"subOpenId\".";

        /// <summary>Null when the fields name no subject.</summary>
        public AuthorizationSubject? Subject()
        {
            try
            {
                return AuthorizationSubject.From(ServiceId, OpenId, AuthorizationCode, SubMerchantId, SubOpenId);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    private sealed record LatencyChange(int? Ms);

    private sealed record RateLimitChange(double? PerSecond, int? RetryAfterSeconds);

    private sealed record ClockChange(long? OffsetSeconds);

    private sealed record SigningSwitch(int? AfterAnswers);

    private sealed record MerchantChange(bool? PublicKeyOnly);

    private sealed record AddedCertificate(string SerialNumber);

    private sealed record ControlError(string Error);
}
