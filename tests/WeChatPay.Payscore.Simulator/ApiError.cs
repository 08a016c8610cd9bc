using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeChatPay.Payscore.Simulator;

/// <summary>A WeChat Pay error answer: <c>{"code","message","detail"?}</c>.</summary>
internal sealed class ApiError(int status, string code, string message, Action<Utf8JsonWriter>? writeDetail = null)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Message { get; } = message;

    /// <summary>For 405: the methods the route does accept.</summary>
    public string? Allow { get; init; }

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("code", Code);
            writer.WriteString("message", Message);
            if (writeDetail != null)
            {
                writer.WritePropertyName("detail");
                writeDetail(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static ApiError InvalidRequest(string message) => new(400, "INVALID_REQUEST", message);

    public static ApiError SignError(string message) => new(401, "SIGN_ERROR", message);

    /// <summary>What WeChat Pay answers a merchant that may not act on an authorization, or for one already ended.</summary>
    public static ApiError NoAuth() => new(403, "NO_AUTH", "请检查服务授权状态");

    /// <summary>
    /// A parameter failed its rule; the message names the field the way WeChat Pay's validator does
    /// ("输入源“/body/reason”映射到值字段“reason”..."), and detail carries field, location and issue.
    /// </summary>
    public static ApiError Param(string location, string field, string rule, string issue, string? value = null) =>
        new(400, "PARAM_ERROR", $"输入源“/{location}/{field}”映射到值字段“{field}”{rule}校验失败，{issue}", w =>
        {
            w.WriteStartObject();
            w.WriteString("field", field);
            w.WriteString("location", location);
            if (value != null)
            {
                w.WriteString("value", value);
            }

            w.WriteString("issue", issue);
            w.WriteEndObject();
        });
}

internal static class SimulatorJson
{
    // Chinese messages are written as they are, like WeChat Pay does, rather than as \u escapes.
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static readonly JsonSerializerOptions Control = CreateControlOptions();

    private static JsonSerializerOptions CreateControlOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
