
namespace WeChatPay.Payscore.Simulator;

internal enum PayscoreOperation
{
    /// <summary>POST /v3/payscore/users/{openid}/permissions/{service_id}/terminate.</summary>
    UserPermissionTerminate,

    /// <summary>POST /v3/payscore/permissions/openid/{openid}/terminate.</summary>
    OpenIdPermissionTerminate,

    /// <summary>GET /v3/payscore/permissions/openid/{openid}?appid=..&amp;service_id=...</summary>
    QueryByOpenId,

    /// <summary>POST /v3/payscore/permissions/authorization-code/{authorization_code}/terminate.</summary>
    AuthorizationCodeTerminate,

    /// <summary>GET /v3/payscore/permissions/authorization-code/{authorization_code}?service_id=...</summary>
    QueryByAuthorizationCode,

    /// <summary>POST /v3/payscore/partner/permissions/terminate, a service provider for its sub-merchant.</summary>
    PartnerTerminate,

    /// <summary>GET /v3/payscore/partner/permissions/search?service_id=..&amp;sub_mchid=..&amp;appid=..&amp;openid=...</summary>
    PartnerQuery,

    /// <summary>POST /v3/payscore/partner/permissions/authorization-code/{authorization_code}/terminate, a service provider for its sub-merchant.</summary>
    PartnerAuthorizationCodeTerminate,

    /// <summary>GET /v3/payscore/partner/permissions/authorization-code/{authorization_code}?service_id=..&amp;sub_mchid=...</summary>
    PartnerQueryByAuthorizationCode,

    /// <summary>GET /v3/certificates?algorithm_type=...: the platform certificates, encrypted with the APIv3 key.</summary>
    ListCertificates,
}

internal static class PayscoreOperations
{
    public static bool IsTerminate(this PayscoreOperation operation) =>
        operation is PayscoreOperation.UserPermissionTerminate or PayscoreOperation.OpenIdPermissionTerminate
            or PayscoreOperation.AuthorizationCodeTerminate or PayscoreOperation.PartnerTerminate
            or PayscoreOperation.PartnerAuthorizationCodeTerminate;

    /// <summary>The Pay Score queries: every operation that is neither a terminate nor the certificate list.</summary>
    public static bool IsQuery(this PayscoreOperation operation) =>
        !operation.IsTerminate() && operation != PayscoreOperation.ListCertificates;
}

/// <summary>
/// The route of a request, from its raw (still URL-escaped) path segments: the openid or authorization code in the
/// path (none for the partner routes) and, for the user permission route, the service_id.
/// </summary>
internal readonly record struct PayscoreRoute(PayscoreOperation Operation, string? RawPathId, string? RawServiceId, string Query)
{
    public bool IsTerminate => Operation.IsTerminate();

    /// <summary>The <see cref="RecordedTerminate.Route"/> of a terminate.</summary>
    public string RecordedName => Operation switch
    {
        PayscoreOperation.UserPermissionTerminate => "UserPermission",
        PayscoreOperation.OpenIdPermissionTerminate => "OpenIdPermission",
        PayscoreOperation.AuthorizationCodeTerminate => "AuthorizationCode",
        PayscoreOperation.PartnerTerminate => "Partner",
        PayscoreOperation.PartnerAuthorizationCodeTerminate => "PartnerAuthorizationCode",
        _ => throw new InvalidOperationException($"{Operation} is not a terminate."),
    };

    /// <summary>Matches the path of the raw request target; 404 for an unknown path, 405 for a known path and another method.</summary>
    public static ApiError? TryMatch(string method, string rawTarget, out PayscoreRoute route)
    {
        route = default;
        int queryStart = rawTarget.IndexOf('?');
        string path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        string query = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];

        // "", "v3", "payscore", ...
        string[] s = path.Split('/');
        bool payscore = s.Length >= 6 && s[0].Length == 0 && s[1] == "v3" && s[2] == "payscore";
        string expectedMethod;
        if (path == "/v3/certificates")
        {
            route = new PayscoreRoute(PayscoreOperation.ListCertificates, null, null, query);
            expectedMethod = HttpMethods.Get;
        }
        else if (payscore && s.Length == 8 && s[3] == "users" && s[5] == "permissions" && s[7] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.UserPermissionTerminate, s[4], s[6], query);
            expectedMethod = HttpMethods.Post;
        }
        else if (payscore && s.Length == 7 && s[3] == "permissions" && s[4] == "openid" && s[6] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.OpenIdPermissionTerminate, s[5], null, query);
            expectedMethod = HttpMethods.Post;
        }
        else if (payscore && s.Length == 6 && s[3] == "permissions" && s[4] == "openid")
        {
            route = new PayscoreRoute(PayscoreOperation.QueryByOpenId, s[5], null, query);
            expectedMethod = HttpMethods.Get;
        }
        else if (payscore && s.Length == 7 && s[3] == "permissions" && s[4] == "authorization-code" && s[6] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.AuthorizationCodeTerminate, s[5], null, query);
            expectedMethod = HttpMethods.Post;
        }
        else if (payscore && s.Length == 6 && s[3] == "permissions" && s[4] == "authorization-code")
        {
            route = new PayscoreRoute(PayscoreOperation.QueryByAuthorizationCode, s[5], null, query);
            expectedMethod = HttpMethods.Get;
        }
        else if (payscore && s.Length == 6 && s[3] == "partner" && s[4] == "permissions" && s[5] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.PartnerTerminate, null, null, query);
            expectedMethod = HttpMethods.Post;
        }
        else if (payscore && s.Length == 6 && s[3] == "partner" && s[4] == "permissions" && s[5] == "search")
        {
            route = new PayscoreRoute(PayscoreOperation.PartnerQuery, null, null, query);
            expectedMethod = HttpMethods.Get;
        }
        else if (payscore && s.Length == 8 && s[3] == "partner" && s[4] == "permissions" && s[5] == "authorization-code" && s[7] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.PartnerAuthorizationCodeTerminate, s[6], null, query);
            expectedMethod = HttpMethods.Post;
        }
        else if (payscore && s.Length == 7 && s[3] == "partner" && s[4] == "permissions" && s[5] == "authorization-code")
        {
            route = new PayscoreRoute(PayscoreOperation.PartnerQueryByAuthorizationCode, s[6], null, query);
            expectedMethod = HttpMethods.Get;
        }
        else
        {
            return NotFound();
        }

        if (!string.Equals(method, expectedMethod, StringComparison.Ordinal))
        {
            return new ApiError(405, "METHOD_NOT_ALLOWED", $"该接口只支持{expectedMethod}方法") { Allow = expectedMethod };
        }

        return null;
    }

    public static ApiError NotFound() => new(404, "NOT_FOUND", "请求的资源不存在");
}

/// <summary>
/// A request that passed every check: whose authorization it is about and the other decoded, validated
/// parameters. <see cref="AppId"/> is null for the authorization code routes (partner ones too), which take none.
/// </summary>
internal sealed record PayscoreRequest(PayscoreRoute Route, AuthorizationSubject Subject, string? AppId, string? SubAppId, string? Reason)
{
    private const string Path = "path";
    private const int MaxIdLength = 32;
    private const int MaxOpenIdLength = 128;

    // The characters an identifier may hold besides ASCII letters and digits.
    private const string Plain = "";
    private const string OpenIdExtras = "_-";
    private const string CodeExtras = "_*-";

    private static readonly string[] UserPermissionFields = ["appid", "reason"];
    private static readonly string[] OpenIdPermissionFields = ["service_id", "appid", "reason"];
    private static readonly string[] QueryByOpenIdFields = ["service_id", "appid"];
    private static readonly string[] CodeTerminateFields = ["service_id", "reason"];
    private static readonly string[] CodeQueryFields = ["service_id"];
    private static readonly string[] PartnerTerminateFields = ["service_id", "sub_mchid", "appid", "sub_appid", "openid", "sub_openid", "reason"];
    private static readonly string[] PartnerQueryFields = ["service_id", "sub_mchid", "appid", "sub_appid", "openid", "sub_openid"];
    private static readonly string[] PartnerCodeTerminateFields = ["service_id", "sub_mchid", "reason"];
    private static readonly string[] PartnerCodeQueryFields = ["service_id", "sub_mchid"];

    /// <summary>
    /// Content type, JSON body or query, then the field rules in WeChat Pay's order: the path first, then the fields
    /// in the order the operation lists them, reason last.
    /// </summary>
    public static ApiError? TryBind(HttpRequest request, in PayscoreRoute route, ReadOnlySpan<byte> body, out PayscoreRequest? bound)
    {
        bound = null;
        ApiError? error;
        RequestFields input;
        if (route.IsTerminate)
        {
            string? contentType = request.ContentType;
            if (contentType == null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return ApiError.InvalidRequest("Content-Type应为application/json");
            }

            input = new RequestFields(RequestFields.Body, FieldsOf(route.Operation));
            error = input.ReadBody(body);
        }
        else
        {
            input = new RequestFields(RequestFields.Query, FieldsOf(route.Operation));
            error = input.ReadQuery(route.Query);
        }

        if (error != null)
        {
            return error;
        }

        return route.Operation switch
        {
            PayscoreOperation.AuthorizationCodeTerminate or PayscoreOperation.QueryByAuthorizationCode
                or PayscoreOperation.PartnerAuthorizationCodeTerminate or PayscoreOperation.PartnerQueryByAuthorizationCode => BindCode(route, input, out bound),
            PayscoreOperation.PartnerTerminate or PayscoreOperation.PartnerQuery => BindPartner(route, input, out bound),
            _ => BindOpenId(route, input, out bound),
        };
    }

    private static string[] FieldsOf(PayscoreOperation operation) => operation switch
    {
        PayscoreOperation.UserPermissionTerminate => UserPermissionFields,
        PayscoreOperation.OpenIdPermissionTerminate => OpenIdPermissionFields,
        PayscoreOperation.QueryByOpenId => QueryByOpenIdFields,
        PayscoreOperation.AuthorizationCodeTerminate => CodeTerminateFields,
        PayscoreOperation.QueryByAuthorizationCode => CodeQueryFields,
        PayscoreOperation.PartnerTerminate => PartnerTerminateFields,
        PayscoreOperation.PartnerQuery => PartnerQueryFields,
        PayscoreOperation.PartnerAuthorizationCodeTerminate => PartnerCodeTerminateFields,
        PayscoreOperation.PartnerQueryByAuthorizationCode => PartnerCodeQueryFields,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary>The merchant routes: openid in the path, then service_id (in the path for the user permission route), appid, reason.</summary>
    private static ApiError? BindOpenId(in PayscoreRoute route, RequestFields input, out PayscoreRequest? bound)
    {
        var check = new FirstFailure(input);
        string openId = check.PathSegment(route.RawPathId!, "openid", MaxOpenIdLength, OpenIdExtras);
        string serviceId = route.Operation == PayscoreOperation.UserPermissionTerminate
            ? check.PathSegment(route.RawServiceId!, "service_id", MaxIdLength, Plain)
            : check.Required("service_id", MaxIdLength, Plain);
        string appId = check.Required("appid", MaxIdLength, Plain);
        string? reason = check.Reason(route);
        bound = check.Error == null ? new PayscoreRequest(route, AuthorizationSubject.ByOpenId(openId, serviceId), appId, null, reason) : null;
        return check.Error;
    }

    /// <summary>The authorization code routes: the code in the path, then service_id, sub_mchid (partner routes only), reason.</summary>
    private static ApiError? BindCode(in PayscoreRoute route, RequestFields input, out PayscoreRequest? bound)
    {
        bool partner = route.Operation is PayscoreOperation.PartnerAuthorizationCodeTerminate or PayscoreOperation.PartnerQueryByAuthorizationCode;
        var check = new FirstFailure(input);
        string code = check.PathSegment(route.RawPathId!, "authorization_code", MaxIdLength, CodeExtras);
        string serviceId = check.Required("service_id", MaxIdLength, Plain);
        string? subMerchantId = partner ? check.Required("sub_mchid", MaxIdLength, Plain) : null;
        string? reason = check.Reason(route);
        if (check.Error != null)
        {
            bound = null;
            return check.Error;
        }

        AuthorizationSubject subject = subMerchantId != null
            ? AuthorizationSubject.PartnerByCode(subMerchantId, code, serviceId)
            : AuthorizationSubject.ByCode(code, serviceId);
        bound = new PayscoreRequest(route, subject, null, null, reason);
        return null;
    }

    /// <summary>
    /// The partner routes: service_id, sub_mchid, appid, sub_appid, openid, sub_openid, then the rules between them
    /// (exactly one of openid and sub_openid; sub_openid only with the sub_appid it belongs to), then reason.
    /// </summary>
    private static ApiError? BindPartner(in PayscoreRoute route, RequestFields input, out PayscoreRequest? bound)
    {
        bound = null;
        var check = new FirstFailure(input);
        string serviceId = check.Required("service_id", MaxIdLength, Plain);
        string subMerchantId = check.Required("sub_mchid", MaxIdLength, Plain);
        string appId = check.Required("appid", MaxIdLength, Plain);
        string? subAppId = check.Optional("sub_appid", MaxIdLength, Plain);
        string? openId = check.Optional("openid", MaxOpenIdLength, OpenIdExtras);
        string? subOpenId = check.Optional("sub_openid", MaxOpenIdLength, OpenIdExtras);
        if (check.Error != null)
        {
            return check.Error;
        }

        if (openId != null && subOpenId != null)
        {
            return Param(input.Location, "sub_openid", "互斥性规则", "openid与sub_openid只能填写其一");
        }

        if (openId == null && subOpenId == null)
        {
            return Param(input.Location, "openid", "必填性规则", "openid与sub_openid必须填写其一");
        }

        // A sub_openid only means something under the sub-merchant's appid that issued it.
        if (subOpenId != null && subAppId == null)
        {
            return Param(input.Location, "sub_appid", "必填性规则", "填写sub_openid时sub_appid为必填项");
        }

        string? reason = check.Reason(route);
        if (check.Error != null)
        {
            return check.Error;
        }

        bound = new PayscoreRequest(route, AuthorizationSubject.Partner(subMerchantId, serviceId, openId, subOpenId), appId, subAppId, reason);
        return null;
    }

    private static ApiError Param(string location, string field, string rule, string issue, string? value = null) =>
        ApiError.Param(location, field, rule, issue, value);

    private static ApiError? CheckIdentifier(string location, string field, string value, int maxLength, string extras)
    {
        if (value.Length == 0)
        {
            return Param(location, field, "字符串规则", $"字符数 0，小于最小值 1", value);
        }

        if (value.Length > maxLength)
        {
            return Param(location, field, "字符串规则", $"字符数 {value.Length}，大于最大值 {maxLength}", value);
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !extras.Contains(c))
            {
                return Param(location, field, "字符串规则", "含有不允许的字符", value);
            }
        }

        return null;
    }

    private static ApiError? CheckReason(string value)
    {
        if (value.Length == 0)
        {
            return Param(RequestFields.Body, "reason", "字符串规则", "字符数 0，小于最小值 1", value);
        }

        if (value.Length > 50)
        {
            return Param(RequestFields.Body, "reason", "字符串规则", $"字符数 {value.Length}，大于最大值 50", value);
        }

        foreach (char c in value)
        {
            // Characters outside the BMP (emoji) need four UTF-8 bytes, which WeChat Pay does not store.
            if (char.IsSurrogate(c))
            {
                return Param(RequestFields.Body, "reason", "字符串规则", "含有不支持的字符（如emoji）", value);
            }
        }

        return null;
    }
    /// <summary>
    /// Runs the field rules in the order they are asked for and keeps the first failure: WeChat Pay reports one
    /// problem, the first it finds. Once a rule failed the later ones are skipped and give empty values.
    /// </summary>
    private sealed class FirstFailure(RequestFields input)
    {
        public ApiError? Error { get; private set; }

        /// <summary>A path segment, URL-escaped as it came.</summary>
        public string PathSegment(string raw, string field, int maxLength, string extras)
        {
            string value = Uri.UnescapeDataString(raw);
            Error ??= CheckIdentifier(PayscoreRequest.Path, field, value, maxLength, extras);
            return value;
        }

        public string Required(string field, int maxLength, string extras)
        {
            if (Error != null)
            {
                return string.Empty;
            }

            Error = input.Required(field, out string value) ?? CheckIdentifier(input.Location, field, value, maxLength, extras);
            return value;
        }

        public string? Optional(string field, int maxLength, string extras)
        {
            if (Error != null)
            {
                return null;
            }

            Error = input.Optional(field, out string? value);
            if (Error == null && value != null)
            {
                Error = CheckIdentifier(input.Location, field, value, maxLength, extras);
            }

            return value;
        }

        /// <summary>The reason of a terminate; queries have none.</summary>
        public string? Reason(in PayscoreRoute route)
        {
            if (Error != null || !route.IsTerminate)
            {
                return null;
            }

            Error = input.Required("reason", out string value) ?? CheckReason(value);
            return value;
        }
    }
}
