using System.Text.Json;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// The fields one operation reads from its JSON body or its query string. Other fields are skipped, as WeChat Pay
/// ignores them; a field the operation reads that is given twice is refused, since which one counts is undefined.
/// </summary>
internal sealed class RequestFields(string location, string[] names)
{
    public const string Body = "body";
    public const string Query = "query";

    private readonly FieldState[] _states = new FieldState[names.Length];

    /// <summary><see cref="Body"/> or <see cref="Query"/>, as PARAM_ERROR names it.</summary>
    public string Location { get; } = location;

    public ApiError? ReadBody(ReadOnlySpan<byte> body)
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
                int index = Array.IndexOf(names, name);
                if (index < 0)
                {
                    reader.Skip();
                }
                else if (!_states[index].Take(ref reader))
                {
                    return ApiError.Param(Body, name, "唯一性规则", "字段重复");
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

    public ApiError? ReadQuery(string query)
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
            int index = Array.IndexOf(names, name);
            if (index >= 0 && !_states[index].Take(value))
            {
                return ApiError.Param(Query, name, "唯一性规则", "参数重复");
            }
        }

        return null;
    }

    /// <summary>A field that must be a string; <paramref name="value"/> is empty when the answer is an error.</summary>
    public ApiError? Required(string field, out string value)
    {
        ref FieldState state = ref State(field);
        value = state.Value ?? string.Empty;
        return state.Check(Location, field);
    }

    /// <summary>A field that may be left out (or null); given, it must be a string.</summary>
    public ApiError? Optional(string field, out string? value)
    {
        ref FieldState state = ref State(field);
        value = state.Value;
        return state.WrongType ? ApiError.Param(Location, field, "类型规则", "应为字符串") : null;
    }

    private ref FieldState State(string field)
    {
        int index = Array.IndexOf(names, field);
        if (index < 0)
        {
            throw new ArgumentException($"The operation does not read '{field}'.", nameof(field));
        }

        return ref _states[index];
    }

    /// <summary>One input field: not given, a string, or something else.</summary>
    private struct FieldState
    {
        private bool _seen;

        public bool WrongType { get; private set; }

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
                    WrongType = true;
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
            if (WrongType)
            {
                return ApiError.Param(location, field, "类型规则", "应为字符串");
            }

            return Value == null ? ApiError.Param(location, field, "必填性规则", "此字段为必填项") : null;
        }
    }
}
