using System.Globalization;
using System.Text;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// How a value the user gave may appear in a message: errors end up in $Error, transcripts and runbook job
    /// logs, so a value is quoted only as a short printable excerpt, and never when it could be key material.
    /// </summary>
    internal static class UserText
    {
        /// <summary>The most characters of a value a message quotes.</summary>
        public const int MaxExcerpt = 64;

        /// <summary>A run of Base64 characters this long, without a path separator, is taken for key material.</summary>
        internal const int KeyLikeRun = 48;

        /// <summary>
        /// The value cut to <see cref="MaxExcerpt"/> characters, followed by "…(N characters)" when cut; control,
        /// format and other invisible characters are shown as &lt;U+XXXX&gt;, and a character beyond the Basic
        /// Multilingual Plane as itself (never half of a surrogate pair).
        /// </summary>
        public static string Excerpt(string? value)
        {
            if (value == null)
            {
                return string.Empty;
            }

            var builder = new StringBuilder(System.Math.Min(value.Length, MaxExcerpt) + 24);
            int shown = 0;
            int i = 0;
            for (; i < value.Length && shown < MaxExcerpt; i++, shown++)
            {
                char c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    builder.Append(c).Append(value[i + 1]);
                    i++;
                }
                else if (IsInvisible(c))
                {
                    builder.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (i < value.Length)
            {
                builder.Append("…(").Append(value.Length.ToString("N0", CultureInfo.InvariantCulture)).Append(" characters)");
            }

            return builder.ToString();
        }

        /// <summary>
        /// True for a value that looks like key or certificate material rather than a name or a path: a PEM header,
        /// or a run of <see cref="KeyLikeRun"/> Base64 characters with no path separator in it (Base64 of a .p12, a
        /// PEM body). Real paths break such runs with '/', '\', '.', '-', '_' or spaces.
        /// </summary>
        public static bool LooksLikeKeyMaterial(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return false;
            }

            if (value!.IndexOf("-----BEGIN", System.StringComparison.OrdinalIgnoreCase) >= 0
                || value.IndexOf("PRIVATE KEY", System.StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }

            int run = 0;
            foreach (char c in value)
            {
                bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '=';
                run = base64 ? run + 1 : 0;
                if (run >= KeyLikeRun)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Characters that do not show in a terminal, or change how the text around them shows.</summary>
        internal static bool IsInvisible(char c)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.PrivateUse:
                    return true;
                default:
                    return c == '\uFFFE' || c == '\uFFFF';
            }
        }
    }
}
