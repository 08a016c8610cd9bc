using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Text;
using WeChatPay.Payscore.Platform;

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

        /// <summary>The most characters of a path a message quotes; a longer one keeps its start and its end, where the file name is.</summary>
        public const int MaxPathExcerpt = 96;

        private const int PathHead = 32;

        /// <summary>A run of Base64 characters this long, without a path separator, is taken for key material.</summary>
        internal const int KeyLikeRun = 48;

        /// <summary>
        /// The value cut to <paramref name="maxLength"/> characters, followed by "…(N characters)" when cut; control,
        /// format and other invisible characters are shown as &lt;U+XXXX&gt;, and a character beyond the Basic
        /// Multilingual Plane as itself (never half of a surrogate pair). A value that looks like key material is
        /// not quoted at all: only its length is.
        /// </summary>
        public static string Excerpt(string? value, int maxLength = MaxExcerpt)
        {
            if (value == null)
            {
                return string.Empty;
            }

            if (LooksLikeKeyMaterial(value))
            {
                return Messages.Format("Excerpt.KeyMaterial", Count(value.Length));
            }

            var builder = new StringBuilder(System.Math.Min(value.Length, maxLength) + 24);
            int shown = 0;
            int i = 0;
            for (; i < value.Length && shown < maxLength; i++, shown++)
            {
                char c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    builder.Append(c).Append(value[i + 1]);
                    i++;
                }
                else if (IsInvisible(c))
                {
                    builder.Append('<').Append(CodePointName(c)).Append('>');
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (i < value.Length)
            {
                builder.Append(Messages.Format("Excerpt.Cut", Count(value.Length)));
            }

            return builder.ToString();
        }

        /// <summary>
        /// A path as a message may quote it: whole up to <see cref="MaxPathExcerpt"/> characters, else its start and
        /// its end (the file name) around "…", then "(N characters)".
        /// </summary>
        public static string ExcerptPath(string? path)
        {
            if (path == null || path.Length <= MaxPathExcerpt || LooksLikeKeyMaterial(path))
            {
                return Excerpt(path, MaxPathExcerpt);
            }

            int tail = MaxPathExcerpt - PathHead;
            int head = char.IsHighSurrogate(path[PathHead - 1]) ? PathHead - 1 : PathHead;
            int tailStart = path.Length - tail;
            if (char.IsLowSurrogate(path[tailStart]))
            {
                tailStart++;
            }

            return Excerpt(path.Substring(0, head), head) + "…" + Excerpt(path.Substring(tailStart), tail)
                + Messages.Format("Excerpt.PathLength", Count(path.Length));
        }

        /// <summary>
        /// True for a value that looks like key or certificate material rather than a name or a path: PEM text, or
        /// a run of <see cref="KeyLikeRun"/> Base64 characters without a path separator that mixes capitals, small
        /// letters and digits (Base64 of a .p12, a PEM body). Real paths break such runs with '/', '\', '.', '-',
        /// '_' or spaces, and the long runs they do have (hex hashes, base32 store names) do not mix all three.
        /// </summary>
        public static bool LooksLikeKeyMaterial([NotNullWhen(true)] string? value)
        {
            if (Strings.IsEmpty(value))
            {
                return false;
            }

            if (LooksLikePem(value))
            {
                return true;
            }

            int run = 0;
            bool upper = false, lower = false, digit = false;
            foreach (char c in value)
            {
                bool isUpper = c >= 'A' && c <= 'Z', isLower = c >= 'a' && c <= 'z', isDigit = c >= '0' && c <= '9';
                if (isUpper || isLower || isDigit || c == '+' || c == '=')
                {
                    run++;
                    upper |= isUpper;
                    lower |= isLower;
                    digit |= isDigit;
                    if (run >= KeyLikeRun && upper && lower && digit)
                    {
                        return true;
                    }
                }
                else
                {
                    run = 0;
                    upper = lower = digit = false;
                }
            }

            return false;
        }

        /// <summary>True when the value holds a PEM armour line (<c>-----BEGIN ...</c> or <c>-----END ...</c>).</summary>
        public static bool LooksLikePem(string? value) =>
            value != null
            && (value.IndexOf("-----BEGIN", System.StringComparison.OrdinalIgnoreCase) >= 0
                || value.IndexOf("-----END", System.StringComparison.OrdinalIgnoreCase) >= 0);

        /// <summary>
        /// Words joined as a sentence lists them: "a", "a and b", "a, b and c", "a, b, c and d" (in Chinese
        /// "a和b", "a、b和c"); a longer list ends "… and" its last word again.
        /// </summary>
        public static string List(IEnumerable<string> parts)
        {
            List<string> words = parts.ToList();
            switch (words.Count)
            {
                case 0: return string.Empty;
                case 1: return words[0];
                case 2: return Messages.Format("Text.ListOfTwo", words[0], words[1]);
                case 3: return Messages.Format("Text.ListOfThree", words[0], words[1], words[2]);
                case 4: return Messages.Format("Text.ListOfFour", words[0], words[1], words[2], words[3]);
                default: return Messages.Format("Text.ListOfTwo", List(words.Take(words.Count - 1)), words[words.Count - 1]);
            }
        }

        /// <summary>A count as messages show it, in both languages: 1,234.</summary>
        public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>"U+XXXX" for a character, or for the code point of a surrogate pair.</summary>
        public static string CodePointName(int codePoint) => "U+" + codePoint.ToString("X4", CultureInfo.InvariantCulture);

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
