using System.Text;
using System.Text.Json;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// WeChat Pay's error answer <c>{"code","message","detail"}</c>. Bodies that are not that shape
    /// (HTML from a gateway, garbage) are described instead of parsed.
    /// </summary>
    internal sealed class ErrorBody
    {
        private ErrorBody(string code, string message, string? signMessage)
        {
            Code = code;
            Message = message;
            TruncatedSignMessage = signMessage;
        }

        public string Code { get; }

        public string Message { get; }

        /// <summary>For SIGN_ERROR: the start of the string WeChat Pay built to verify, to compare with ours.</summary>
        public string? TruncatedSignMessage { get; }

        public static ErrorBody? TryParse(byte[] body)
        {
            if (body.Length == 0)
            {
                return null;
            }

            try
            {
                using (JsonDocument document = JsonDocument.Parse(body))
                {
                    JsonElement root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object
                        || !root.TryGetProperty("code", out JsonElement code)
                        || code.ValueKind != JsonValueKind.String
                        || code.GetString() is not { Length: > 0 } codeText)
                    {
                        return null;
                    }

                    string message = root.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String
                        ? m.GetString() ?? string.Empty
                        : string.Empty;
                    string? signMessage = null;
                    if (root.TryGetProperty("detail", out JsonElement detail)
                        && detail.ValueKind == JsonValueKind.Object
                        && detail.TryGetProperty("sign_information", out JsonElement info)
                        && info.ValueKind == JsonValueKind.Object
                        && info.TryGetProperty("truncated_sign_message", out JsonElement truncated)
                        && truncated.ValueKind == JsonValueKind.String)
                    {
                        signMessage = truncated.GetString();
                    }

                    return new ErrorBody(UserText.Excerpt(codeText), Clean(message, 500), signMessage);
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>A short, printable excerpt of a body that could not be parsed.</summary>
        public static string Describe(byte[] body, string? contentType)
        {
            if (body.Length == 0)
            {
                return Messages.Format("Protocol.EmptyBody");
            }

            string text = Encoding.UTF8.GetString(body, 0, System.Math.Min(body.Length, 400));
            return contentType != null
                ? Messages.Format("Protocol.TypedBody", contentType, body.Length, Clean(text, 200))
                : Messages.Format("Protocol.UntypedBody", body.Length, Clean(text, 200));
        }

        private static string Clean(string text, int max)
        {
            var builder = new StringBuilder(System.Math.Min(text.Length, max));
            bool lastWasSpace = false;
            foreach (char c in text)
            {
                if (builder.Length >= max)
                {
                    builder.Append("...");
                    break;
                }

                bool space = char.IsWhiteSpace(c) || char.IsControl(c);
                if (space && lastWasSpace)
                {
                    continue;
                }

                builder.Append(space ? ' ' : c);
                lastWasSpace = space;
            }

            return builder.ToString().Trim();
        }
    }
}
