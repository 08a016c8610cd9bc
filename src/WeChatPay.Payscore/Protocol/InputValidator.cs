using System.Collections.Generic;
using System.Text;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The field rules of the Pay Score permission APIs. Every value that reaches a URL path, a JSON body
    /// or a header has passed here first, so hostile input (path separators, CR/LF, emoji) never leaves.
    /// </summary>
    internal static class InputValidator
    {
        public const int MaxOpenIdLength = 128;
        public const int MaxServiceIdLength = 32;
        public const int MaxAppIdLength = 32;
        public const int MaxReasonLength = 50;

        /// <summary>Returns every problem of the row, each naming its field; an empty list when the row is valid.</summary>
        /// <summary>The fields of a permission query: an openid, a service_id and an appid (no reason).</summary>
        public static IReadOnlyList<string> ValidateQuery(string? openId, string? serviceId, string? appId) =>
            CheckIdentifiers(openId, serviceId, appId);

        public static IReadOnlyList<string> ValidateTerminate(string? openId, string? serviceId, string? appId, string? reason)
        {
            List<string> problems = CheckIdentifiers(openId, serviceId, appId);
            CheckReason(problems, reason);
            return problems;
        }

        private static List<string> CheckIdentifiers(string? openId, string? serviceId, string? appId)
        {
            var problems = new List<string>(0);
            CheckIdentifier(problems, "openid", openId, MaxOpenIdLength, allowUnderscoreAndDash: true);
            CheckIdentifier(problems, "service_id", serviceId, MaxServiceIdLength, allowUnderscoreAndDash: false);
            CheckIdentifier(problems, "appid", appId, MaxAppIdLength, allowUnderscoreAndDash: false);
            return problems;
        }

        private static void CheckIdentifier(List<string> problems, string field, string? value, int maxLength, bool allowUnderscoreAndDash)
        {
            if (string.IsNullOrEmpty(value))
            {
                problems.Add($"{field} is missing or empty");
                return;
            }

            if (value!.Length > maxLength)
            {
                problems.Add($"{field} is {value.Length} characters long (at most {maxLength})");
                return;
            }

            foreach (char c in value)
            {
                bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || (allowUnderscoreAndDash && (c == '_' || c == '-'));
                if (!allowed)
                {
                    string expected = allowUnderscoreAndDash ? "letters A-Z a-z, digits, '_' and '-'" : "letters A-Z a-z and digits";
                    problems.Add($"{field} '{Printable(value)}' contains {Describe(c)}; only {expected} are allowed");
                    return;
                }
            }
        }

        private static void CheckReason(List<string> problems, string? reason)
        {
            if (reason == null || reason.Trim().Length == 0)
            {
                problems.Add("reason is missing or blank (give -Reason or a reason column)");
                return;
            }

            foreach (char c in reason)
            {
                if (char.IsSurrogate(c))
                {
                    problems.Add("reason contains a character outside the Basic Multilingual Plane (such as an emoji), which WeChat Pay does not accept");
                    return;
                }

                if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                {
                    problems.Add($"reason contains {Describe(c)}; control characters and line breaks are not allowed");
                    return;
                }
            }

            if (reason.Length > MaxReasonLength)
            {
                problems.Add($"reason is {reason.Length} characters long (at most {MaxReasonLength})");
            }
        }

        private static string Describe(char c) =>
            c == ' ' ? "a space"
            : char.IsSurrogate(c) || c > '\u007e' ? $"the character U+{(int)c:X4}"
            : char.IsControl(c) ? $"the control character U+{(int)c:X4}"
            : $"'{c}'";

        /// <summary>The value as it may be quoted in a message: control characters escaped, cut at 40 characters.</summary>
        internal static string Printable(string value)
        {
            var builder = new StringBuilder(System.Math.Min(value.Length, 40) + 8);
            foreach (char c in value)
            {
                if (builder.Length >= 40)
                {
                    builder.Append("...");
                    break;
                }

                if (char.IsControl(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4"));
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }
    }
}
