using System.Collections.Generic;
using System.Linq;
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

        public const int MaxAuthorizationCodeLength = 32;
        public const int MaxSubMerchantIdLength = 32;

        private const string LettersAndDigits = "";
        private const string OpenIdExtras = "_-";
        private const string AuthorizationCodeExtras = "_*-";

        /// <summary>Every problem of a terminate row, each naming its field; an empty list when the row is valid.</summary>
        public static IReadOnlyList<string> ValidateTerminate(RowFields fields, string? reason)
        {
            List<string> problems = ValidateTarget(AuthorizationTarget.KindOf(fields), fields);
            CheckReason(problems, reason);
            return problems;
        }

        public static IReadOnlyList<string> ValidateReason(string? reason)
        {
            var problems = new List<string>(0);
            CheckReason(problems, reason);
            return problems;
        }

        public static IReadOnlyList<string> ValidateTerminate(string? openId, string? serviceId, string? appId, string? reason) =>
            ValidateTerminate(RowFields.ForOpenId(openId, serviceId, appId), reason);

        /// <summary>The fields that name an authorization of <paramref name="kind"/>, and the ones such a row must not have.</summary>
        public static List<string> ValidateTarget(TargetKind kind, RowFields f)
        {
            var problems = new List<string>(0);
            switch (kind)
            {
                case TargetKind.AuthorizationCode:
                    CheckIdentifier(problems, "authorization_code", f.AuthorizationCode, MaxAuthorizationCodeLength, AuthorizationCodeExtras);
                    CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
                    if (!string.IsNullOrEmpty(f.OpenId) || !string.IsNullOrEmpty(f.SubOpenId))
                    {
                        problems.Add("the row has both an authorization_code and an openid; give one of them, so that it is clear which authorization to end");
                    }

                    if (!string.IsNullOrEmpty(f.SubMerchantId))
                    {
                        problems.Add("the row has both an authorization_code and a sub_mchid; a service provider ends authorizations by openid or sub_openid");
                    }

                    break;

                case TargetKind.Partner:
                    CheckIdentifier(problems, "sub_mchid", f.SubMerchantId, MaxSubMerchantIdLength, LettersAndDigits);
                    CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
                    CheckIdentifier(problems, "appid", f.AppId, MaxAppIdLength, LettersAndDigits);
                    bool hasOpenId = !string.IsNullOrEmpty(f.OpenId);
                    bool hasSubOpenId = !string.IsNullOrEmpty(f.SubOpenId);
                    if (hasOpenId && hasSubOpenId)
                    {
                        problems.Add("the row has both an openid and a sub_openid; give one of them");
                    }
                    else if (!hasOpenId && !hasSubOpenId)
                    {
                        problems.Add("openid or sub_openid is missing (a row with a sub_mchid needs one of them)");
                    }
                    else if (hasOpenId)
                    {
                        CheckIdentifier(problems, "openid", f.OpenId, MaxOpenIdLength, OpenIdExtras);
                    }
                    else
                    {
                        CheckIdentifier(problems, "sub_openid", f.SubOpenId, MaxOpenIdLength, OpenIdExtras);
                        if (string.IsNullOrEmpty(f.SubAppId))
                        {
                            problems.Add("sub_appid is missing (a sub_openid is the user's id under the sub-merchant's sub_appid)");
                        }
                    }

                    if (!string.IsNullOrEmpty(f.SubAppId))
                    {
                        CheckIdentifier(problems, "sub_appid", f.SubAppId, MaxAppIdLength, LettersAndDigits);
                    }

                    break;

                default:
                    CheckIdentifier(problems, "openid", f.OpenId, MaxOpenIdLength, OpenIdExtras);
                    CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
                    CheckIdentifier(problems, "appid", f.AppId, MaxAppIdLength, LettersAndDigits);
                    if (!string.IsNullOrEmpty(f.SubOpenId) || !string.IsNullOrEmpty(f.SubAppId))
                    {
                        problems.Add("the row has a sub_openid or sub_appid but no sub_mchid; give the sub-merchant's sub_mchid (-SubMerchantId or a sub_mchid column)");
                    }

                    break;
            }

            return problems;
        }

        /// <param name="extras">The characters allowed besides ASCII letters and digits.</param>
        private static void CheckIdentifier(List<string> problems, string field, string? value, int maxLength, string extras)
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
                bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extras.IndexOf(c) >= 0;
                if (!allowed)
                {
                    string expected = extras.Length == 0
                        ? "letters A-Z a-z and digits"
                        : "letters A-Z a-z, digits and " + string.Join(" ", extras.ToCharArray().Select(x => "'" + x + "'"));
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
