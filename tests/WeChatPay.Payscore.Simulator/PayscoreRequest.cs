using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace WeChatPay.Payscore.Simulator;

internal enum PayscoreOperation
{
    /// <summary>POST /v3/payscore/users/{openid}/permissions/{service_id}/terminate.</summary>
    UserPermissionTerminate,

    /// <summary>POST /v3/payscore/permissions/openid/{openid}/terminate.</summary>
    OpenIdPermissionTerminate,

    /// <summary>GET /v3/payscore/permissions/openid/{openid}?appid=..&amp;service_id=...</summary>
    QueryByOpenId,
}

/// <summary>The route of a request, from its raw (still URL-escaped) path segments.</summary>
internal readonly record struct PayscoreRoute(PayscoreOperation Operation, string RawOpenId, string? RawServiceId, string Query)
{
    public bool IsTerminate => Operation != PayscoreOperation.QueryByOpenId;

    public string RecordedName => Operation == PayscoreOperation.UserPermissionTerminate ? "UserPermission" : "OpenIdPermission";

    /// <summary>Matches the path of the raw request target; 404 for an unknown path, 405 for a known path and another method.</summary>
    public static ApiError? TryMatch(string method, string rawTarget, out PayscoreRoute route)
    {
        route = default;
        int queryStart = rawTarget.IndexOf('?');
        string path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        string query = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];

        // "", "v3", "payscore", ...
        string[] s = path.Split('/');
        string expectedMethod;
        if (s.Length == 8 && s[0].Length == 0 && s[1] == "v3" && s[2] == "payscore" && s[3] == "users" && s[5] == "permissions"
            && s[7] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.UserPermissionTerminate, s[4], s[6], query);
            expectedMethod = HttpMethods.Post;
        }
        else if (s.Length == 7 && s[0].Length == 0 && s[1] == "v3" && s[2] == "payscore" && s[3] == "permissions" && s[4] == "openid"
            && s[6] == "terminate")
        {
            route = new PayscoreRoute(PayscoreOperation.OpenIdPermissionTerminate, s[5], null, query);
            expectedMethod = HttpMethods.Post;
        }
        else if (s.Length == 6 && s[0].Length == 0 && s[1] == "v3" && s[2] == "payscore" && s[3] == "permissions" && s[4] == "openid")
        {
            route = new PayscoreRoute(PayscoreOperation.QueryByOpenId, s[5], null, query);
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

/// <summary>A request that passed every check: the decoded, validated parameters.</summary>
internal sealed record PayscoreRequest(PayscoreRoute Route, string OpenId, string ServiceId, string AppId, string? Reason)
{
    private const string Path = "path";
    private const string Body = "body";
    private const string Query = "query";

    /// <summary>Content type, JSON body and field rules, in WeChat Pay's order: path first, then service_id, appid, reason.</summary>
    public static ApiError? TryBind(HttpRequest request, in PayscoreRoute route, ReadOnlySpan<byte> body, out PayscoreRequest? bound)
    {
        bound = null;
        string? serviceId = null, appId = null, reason = null;
        FieldState serviceIdState = default, appIdState = default, reasonState = default;

        if (route.IsTerminate)
        {
            string? contentType = request.ContentType;
            if (contentType == null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return ApiError.InvalidRequest("Content-Type应为application/json");
            }

            ApiError? bodyError = ReadBody(body, route.Operation, ref serviceIdState, ref appIdState, ref reasonState);
            if (bodyError != null)
            {
                return bodyError;
            }
        }
        else
        {
            ApiError? queryError = ReadQuery(route.Query, ref serviceIdState, ref appIdState);
            if (queryError != null)
            {
                return queryError;
            }
        }

        string openId = Uri.UnescapeDataString(route.RawOpenId);
        ApiError? error = CheckIdentifier(Path, "openid", openId, 128, allowUnderscoreAndDash: true);
        if (error != null)
        {
            return error;
        }

        if (route.Operation == PayscoreOperation.UserPermissionTerminate)
        {
            serviceId = Uri.UnescapeDataString(route.RawServiceId!);
            error = CheckIdentifier(Path, "service_id", serviceId, 32, allowUnderscoreAndDash: false);
        }
        else
        {
            string location = route.IsTerminate ? Body : Query;
            error = serviceIdState.Check(location, "service_id") ?? CheckIdentifier(location, "service_id", serviceIdState.Value!, 32, false);
            serviceId = serviceIdState.Value;
        }

        if (error != null)
        {
            return error;
        }

        string appIdLocation = route.IsTerminate ? Body : Query;
        error = appIdState.Check(appIdLocation, "appid") ?? CheckIdentifier(appIdLocation, "appid", appIdState.Value!, 32, false);
        if (error != null)
        {
            return error;
        }

        appId = appIdState.Value!;
        if (route.IsTerminate)
        {
            error = reasonState.Check(Body, "reason") ?? CheckReason(reasonState.Value!);
            if (error != null)
            {
                return error;
            }

            reason = reasonState.Value;
        }

        bound = new PayscoreRequest(route, openId, serviceId!, appId, reason);
        return null;
    }

    private static ApiError? ReadBody(
        ReadOnlySpan<byte> body, PayscoreOperation operation, ref FieldState serviceId, ref FieldState appId, ref FieldState reason)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 32 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new ApiError(400, "PARAM_ERROR", "请求体应为JSON对象");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "service_id" when operation == PayscoreOperation.OpenIdPermissionTerminate:
                        if (!serviceId.Take(ref reader))
                        {
                            return Duplicate("service_id");
                        }

                        break;
                    case "appid":
                        if (!appId.Take(ref reader))
                        {
                            return Duplicate("appid");
                        }

                        break;
                    case "reason":
                        if (!reason.Take(ref reader))
                        {
                            return Duplicate("reason");
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            // Anything after the object other than whitespace makes the reader throw.
            if (reader.Read())
            {
                return new ApiError(400, "PARAM_ERROR", "请求体不是合法的JSON");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new ApiError(400, "PARAM_ERROR", "请求体不是合法的JSON");
        }

        return null;
    }

    private static ApiError? ReadQuery(string query, ref FieldState serviceId, ref FieldState appId)
    {
        if (query.Length == 0)
        {
            return null;
        }

        foreach (string pair in query.Split('&'))
        {
            int equals = pair.IndexOf('=');
            string name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            bool fresh = name switch
            {
                "service_id" => serviceId.Take(value),
                "appid" => appId.Take(value),
                _ => true,
            };
            if (!fresh)
            {
                return Param(Query, name, "唯一性规则", "参数重复");
            }
        }

        return null;
    }

    private static ApiError Duplicate(string field) => Param(Body, field, "唯一性规则", "字段重复");

    private static ApiError Param(string location, string field, string rule, string issue, string? value = null) =>
        ApiError.Param(location, field, rule, issue, value);

    private static ApiError? CheckIdentifier(string location, string field, string value, int maxLength, bool allowUnderscoreAndDash)
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
            if (!char.IsAsciiLetterOrDigit(c) && !(allowUnderscoreAndDash && c is '_' or '-'))
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
            return Param(Body, "reason", "字符串规则", "字符数 0，小于最小值 1", value);
        }

        if (value.Length > 50)
        {
            return Param(Body, "reason", "字符串规则", $"字符数 {value.Length}，大于最大值 50", value);
        }

        foreach (char c in value)
        {
            // Characters outside the BMP (emoji) need four UTF-8 bytes, which WeChat Pay does not store.
            if (char.IsSurrogate(c))
            {
                return Param(Body, "reason", "字符串规则", "含有不支持的字符（如emoji）", value);
            }
        }

        return null;
    }

    /// <summary>One input field: not given, a string, or something else.</summary>
    private struct FieldState
    {
        private bool _seen;
        private bool _wrongType;

        public string? Value { get; private set; }

        /// <summary>Reads the current JSON value; false when the field was already given.</summary>
        public bool Take(ref Utf8JsonReader reader)
        {
            if (_seen)
            {
                return false;
            }

            _seen = true;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    Value = reader.GetString();
                    break;
                case JsonTokenType.Null:
                    break;
                default:
                    _wrongType = true;
                    reader.Skip();
                    break;
            }

            return true;
        }

        public bool Take(string value)
        {
            if (_seen)
            {
                return false;
            }

            _seen = true;
            Value = value;
            return true;
        }

        public readonly ApiError? Check(string location, string field)
        {
            if (_wrongType)
            {
                return Param(location, field, "类型规则", "应为字符串");
            }

            return Value == null ? Param(location, field, "必填性规则", "此字段为必填项") : null;
        }
    }
}
