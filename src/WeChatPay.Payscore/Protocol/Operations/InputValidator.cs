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
                problems.Add(Messages.Format("Protocol.SubUserWithoutSubMerchant"));
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
                problems.Add(!Strings.IsEmpty(f.OpenId)
                    ? Messages.Format("Protocol.CodeAndOpenId")
                    : Messages.Format("Protocol.CodeAndSubOpenId"));
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
                problems.Add(Messages.Format("Protocol.OpenIdAndSubOpenId"));
            }
            else if (!hasOpenId && !hasSubOpenId)
            {
                problems.Add(Messages.Format("Protocol.PartnerUserMissing"));
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
                    problems.Add(Messages.Format("Protocol.SubAppIdMissing"));
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
                problems.Add(Messages.Format("Protocol.FieldMissing", field));
                return;
            }

            if (value.Length > maxLength)
            {
                problems.Add(Messages.Format("Protocol.FieldTooLong", field, value.Length, maxLength));
                return;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extras.IndexOf(c) >= 0;
                if (!allowed)
                {
                    string expected = extras.Length == 0
                        ? Messages.Format("Protocol.AllowedLettersAndDigits")
                        : Messages.Format("Protocol.AllowedLettersDigitsAnd", string.Join(" ", extras.ToCharArray().Select(x => "'" + x + "'")));
                    problems.Add(Messages.Format("Protocol.FieldCharacterNotAllowed", field, UserText.Excerpt(value), Describe(value, i), expected));
                    return;
                }
            }
        }

        private static void CheckReason(List<string> problems, string? reason)
        {
            if (reason == null || reason.All(c => char.IsWhiteSpace(c) || UserText.IsInvisible(c)))
            {
                problems.Add(reason == null || reason.Trim().Length == 0
                    ? Messages.Format("Protocol.ReasonMissing")
                    : Messages.Format("Protocol.ReasonInvisibleOnly", UserText.Excerpt(reason)));
                return;
            }

            for (int i = 0; i < reason.Length; i++)
            {
                char c = reason[i];
                if (char.IsHighSurrogate(c) && i + 1 < reason.Length && char.IsLowSurrogate(reason[i + 1]))
                {
                    problems.Add(Messages.Format("Protocol.ReasonBeyondBasicPlane", Describe(reason, i)));
                    return;
                }

                if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                {
                    problems.Add(Messages.Format("Protocol.ReasonControlCharacter", Describe(reason, i)));
                    return;
                }

                if (UserText.IsInvisible(c))
                {
                    problems.Add(Messages.Format("Protocol.ReasonInvisibleCharacter", Describe(reason, i)));
                    return;
                }
            }

            if (reason.Length > MaxReasonLength)
            {
                problems.Add(Messages.Format("Protocol.FieldTooLong", "reason", reason.Length, MaxReasonLength));
            }
        }

        /// <summary>The character at <paramref name="index"/>, named so that it can be found: a surrogate pair as the one character it is.</summary>
        private static string Describe(string value, int index)
        {
            char c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                return Messages.Format("Protocol.CharacterNamed", UserText.CodePointName(char.ConvertToUtf32(c, value[index + 1])), value.Substring(index, 2));
            }

            return c == ' ' ? Messages.Format("Protocol.CharacterSpace")
                : char.IsControl(c) ? Messages.Format("Protocol.CharacterControl", UserText.CodePointName(c))
                : UserText.IsInvisible(c) ? Messages.Format("Protocol.CharacterInvisible", UserText.CodePointName(c))
                : char.IsWhiteSpace(c) ? Messages.Format("Protocol.CharacterWhiteSpace", UserText.CodePointName(c))
                : IsMark(c) ? Messages.Format("Protocol.CharacterCombining", UserText.CodePointName(c))
                : c > '\u007e' ? Messages.Format("Protocol.CharacterNamed", UserText.CodePointName(c), c)
                : Messages.Format("Protocol.CharacterQuoted", c);
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
                problems.Add(Messages.Format("Protocol.PlainTextRow", UserText.Excerpt(f.PlainText)));
            }

            List<string> padded = f.Columns?.Where(name => name.Trim().Length != name.Length && IsColumnName(name)).ToList() ?? new List<string>();
            foreach (string name in padded)
            {
                problems.Add(Messages.Format("Protocol.ColumnNamePadded", UserText.Excerpt(name), name.Trim()));
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

            problems.Add(Messages.Format("Protocol.NoHeaderLine", string.Join(", ", valueLike.Take(3).Select(n => "'" + UserText.Excerpt(n) + "'"))));
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
