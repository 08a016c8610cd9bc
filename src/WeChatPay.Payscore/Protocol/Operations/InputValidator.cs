using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using WeChatPay.Payscore.Platform;

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

        public static IReadOnlyList<string> ValidateReason(string? reason)
        {
            var problems = new List<string>(0);
            CheckReason(problems, reason);
            return problems;
        }

        /// <summary>The merchant's own user: openid, service_id and appid, and nothing of a sub-merchant's.</summary>
        internal static void CheckOpenIdRow(List<string> problems, RowFields f)
        {
            CheckIdentifier(problems, "openid", f.OpenId, MaxOpenIdLength, OpenIdExtras);
            CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
            CheckIdentifier(problems, "appid", f.AppId, MaxAppIdLength, LettersAndDigits);
            if (!Strings.IsEmpty(f.SubOpenId) || !Strings.IsEmpty(f.SubAppId))
            {
                problems.Add("the row has a sub_openid or sub_appid but no sub_mchid; give the sub-merchant's sub_mchid (-SubMerchantId or a sub_mchid column)");
            }
        }

        /// <summary>The merchant's authorization code and service_id.</summary>
        internal static void CheckCodeRow(List<string> problems, RowFields f) => CheckCode(problems, f, subMerchant: false);

        /// <summary>A sub-merchant's authorization code: service_id and sub_mchid with it.</summary>
        internal static void CheckPartnerCodeRow(List<string> problems, RowFields f) => CheckCode(problems, f, subMerchant: true);

        private static void CheckCode(List<string> problems, RowFields f, bool subMerchant)
        {
            // The code names the authorization on its own (appid and sub_appid are not sent with it); a user
            // beside it could name another one.
            CheckIdentifier(problems, "authorization_code", f.AuthorizationCode, MaxAuthorizationCodeLength, AuthorizationCodeExtras);
            CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
            if (subMerchant)
            {
                CheckIdentifier(problems, "sub_mchid", f.SubMerchantId, MaxSubMerchantIdLength, LettersAndDigits);
            }

            if (!Strings.IsEmpty(f.OpenId) || !Strings.IsEmpty(f.SubOpenId))
            {
                string user = !Strings.IsEmpty(f.OpenId) ? "an openid" : "a sub_openid";
                problems.Add($"the row has both an authorization_code and {user}; give one of them, so that it is clear which authorization to end");
            }
        }

        /// <summary>A sub-merchant's user: sub_mchid, service_id, appid, and the openid or the sub_openid under sub_appid.</summary>
        internal static void CheckPartnerRow(List<string> problems, RowFields f)
        {
            CheckIdentifier(problems, "sub_mchid", f.SubMerchantId, MaxSubMerchantIdLength, LettersAndDigits);
            CheckIdentifier(problems, "service_id", f.ServiceId, MaxServiceIdLength, LettersAndDigits);
            CheckIdentifier(problems, "appid", f.AppId, MaxAppIdLength, LettersAndDigits);
            bool hasOpenId = !Strings.IsEmpty(f.OpenId);
            bool hasSubOpenId = !Strings.IsEmpty(f.SubOpenId);
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
                if (Strings.IsEmpty(f.SubAppId))
                {
                    problems.Add("sub_appid is missing (a sub_openid is the user's id under the sub-merchant's sub_appid)");
                }
            }

            if (!Strings.IsEmpty(f.SubAppId))
            {
                CheckIdentifier(problems, "sub_appid", f.SubAppId, MaxAppIdLength, LettersAndDigits);
            }
        }

        /// <param name="extras">The characters allowed besides ASCII letters and digits.</param>
        private static void CheckIdentifier(List<string> problems, string field, string? value, int maxLength, string extras)
        {
            if (Strings.IsEmpty(value))
            {
                problems.Add($"{field} is missing or empty");
                return;
            }

            if (value.Length > maxLength)
            {
                problems.Add($"{field} is {value.Length} characters long (at most {maxLength})");
                return;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extras.IndexOf(c) >= 0;
                if (!allowed)
                {
                    string expected = extras.Length == 0
                        ? "letters A-Z a-z and digits"
                        : "letters A-Z a-z, digits and " + string.Join(" ", extras.ToCharArray().Select(x => "'" + x + "'"));
                    problems.Add($"{field} '{UserText.Excerpt(value)}' contains {Describe(value, i)}; only {expected} are allowed");
                    return;
                }
            }
        }

        private static void CheckReason(List<string> problems, string? reason)
        {
            if (reason == null || reason.All(c => char.IsWhiteSpace(c) || UserText.IsInvisible(c)))
            {
                problems.Add(reason == null || reason.Trim().Length == 0
                    ? "reason is missing or blank (give -Reason or a reason column)"
                    : $"reason is blank: it has only invisible characters ('{UserText.Excerpt(reason)}'); give -Reason or a reason column with words");
                return;
            }

            for (int i = 0; i < reason.Length; i++)
            {
                char c = reason[i];
                if (char.IsHighSurrogate(c) && i + 1 < reason.Length && char.IsLowSurrogate(reason[i + 1]))
                {
                    problems.Add($"reason contains {Describe(reason, i)}, outside the Basic Multilingual Plane (such as an emoji), which WeChat Pay does not accept");
                    return;
                }

                if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                {
                    problems.Add($"reason contains {Describe(reason, i)}; control characters and line breaks are not allowed");
                    return;
                }

                if (UserText.IsInvisible(c))
                {
                    problems.Add($"reason contains {Describe(reason, i)}; invisible characters (zero-width, byte order marks, direction controls, noncharacters) are not allowed");
                    return;
                }
            }

            if (reason.Length > MaxReasonLength)
            {
                problems.Add($"reason is {reason.Length} characters long (at most {MaxReasonLength})");
            }
        }

        /// <summary>The character at <paramref name="index"/>, named so that it can be found: a surrogate pair as the one character it is.</summary>
        private static string Describe(string value, int index)
        {
            char c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                return $"the character {UserText.CodePointName(char.ConvertToUtf32(c, value[index + 1]))} {value.Substring(index, 2)}";
            }

            return c == ' ' ? "a space"
                : char.IsControl(c) ? $"the control character {UserText.CodePointName(c)}"
                : UserText.IsInvisible(c) ? $"the invisible character {UserText.CodePointName(c)}"
                : char.IsWhiteSpace(c) ? $"the space character {UserText.CodePointName(c)}"
                : IsMark(c) ? $"the combining character {UserText.CodePointName(c)}"
                : c > '\u007e' ? $"the character {UserText.CodePointName(c)} {c}"
                : $"'{c}'";
        }

        /// <summary>A mark that combines with the character before it, so that it does not show on its own.</summary>
        private static bool IsMark(char c)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            return category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark || category == UnicodeCategory.EnclosingMark;
        }

        /// <summary>
        /// A CSV read without its header line: Import-Csv takes the first row for the header, so the rows have no
        /// column for the user and their column names are that row's values (an openid, a service_id of digits).
        /// </summary>
        internal static void CheckHeader(List<string> problems, RowFields f)
        {
            if (f.PlainText != null)
            {
                problems.Add(
                    $"the row is the plain text '{UserText.Excerpt(f.PlainText)}', not an object with columns; pipe Import-Csv's rows (a header line openid,service_id,appid,reason first), not Get-Content's lines, or objects with openid and service_id properties");
            }

            List<string> padded = f.Columns?.Where(name => name.Trim().Length != name.Length && IsColumnName(name)).ToList() ?? new List<string>();
            foreach (string name in padded)
            {
                problems.Add($"the column '{UserText.Excerpt(name)}' has spaces around its name, so it is not read as {name.Trim()}; remove them from the header line");
            }

            if (f.Columns == null || f.Columns.Count == 0
                || !Strings.IsEmpty(f.OpenId) || !Strings.IsEmpty(f.SubOpenId) || !Strings.IsEmpty(f.AuthorizationCode)
                || f.Columns.Any(IsColumnName))
            {
                return;
            }

            List<string> valueLike = f.Columns.Where(LooksLikeValue).ToList();
            if (valueLike.Count == 0)
            {
                return;
            }

            problems.Add(
                $"the input seems to have no header line: the row has no openid column, and its column names look like values ({string.Join(", ", valueLike.Take(3).Select(n => "'" + UserText.Excerpt(n) + "'"))}); "
                + "add a header line (openid,service_id,appid,reason) or read the file with Import-Csv -Header openid,service_id,appid,reason");
        }

        /// <summary>The column names the rows are read by (see the Commands layer's RowReader), without their underscores.</summary>
        private static readonly string[] KnownColumns = RowFields.Identity
            .SelectMany(field => new[] { field.WireName, field.PropertyName })
            .Append("reason")
            .Select(name => name.Replace("_", string.Empty))
            .ToArray();

        private static bool IsColumnName(string name) =>
            KnownColumns.Contains(name.Replace("_", string.Empty).Trim(), System.StringComparer.OrdinalIgnoreCase);

        /// <summary>Digits only (a service_id, a mchid), or a long mix of letters and digits (an openid, an appid).</summary>
        private static bool LooksLikeValue(string name)
        {
            if (name.Length == 0)
            {
                return false;
            }

            if (name.All(c => c >= '0' && c <= '9'))
            {
                return true;
            }

            return name.Length >= 16
                && name.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
                && name.Any(char.IsLetter)
                && name.Any(char.IsDigit);
        }
    }
}
