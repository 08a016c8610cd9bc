using System;
using System.Collections.Generic;
using System.Net;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// How an address the user gave (a base URI, a proxy) may appear in a message: as scheme, host and port, and
    /// nothing else. User info (<c>user:password@</c>), a query (<c>?sig=...</c>), a fragment and a path can each
    /// hold a secret, so they are left out, and a note says what was left out. Text that cannot be read as an address
    /// with a host is not quoted when a password could hide in it (anything with a ':' or an '@'): a parser that
    /// gave up cannot say which part was the password.
    /// </summary>
    internal static class UriText
    {
        /// <summary>What an address has besides scheme, host and port.</summary>
        [Flags]
        public enum Extras
        {
            None = 0,
            UserInfo = 1,
            Path = 2,
            Query = 4,
            Fragment = 8,
        }

        /// <summary>The longest scheme quoted before an address that cannot be read ("https", "socks5h").</summary>
        private const int MaxScheme = 16;

        /// <summary>
        /// The text as an absolute address with a host (<c>scheme://host</c>), or null: a path, a relative reference,
        /// <c>user:password</c> (read as scheme "user") and text the parser refuses are not addresses.
        /// </summary>
        public static Uri? Parse(string? text)
        {
            if (text == null || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? uri) || !HasHost(uri))
            {
                return null;
            }

            return uri;
        }

        /// <summary>True for an address on this machine (localhost, 127.0.0.0/8, ::1): the only place a plain http address may go.</summary>
        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address);
        }

        /// <summary>What <paramref name="uri"/> has besides scheme, host and port; a path of "/" alone is no path.</summary>
        public static Extras ExtrasOf(Uri uri)
        {
            Extras extras = Extras.None;
            if (uri.UserInfo.Length > 0)
            {
                extras |= Extras.UserInfo;
            }

            if (uri.AbsolutePath.Length > 0 && uri.AbsolutePath != "/")
            {
                extras |= Extras.Path;
            }

            if (uri.Query.Length > 0)
            {
                extras |= Extras.Query;
            }

            if (uri.Fragment.Length > 0)
            {
                extras |= Extras.Fragment;
            }

            return extras;
        }

        /// <summary>The parts in words, for "has ...": "user info", "a path", "user info, a path and a query".</summary>
        public static string Describe(Extras extras) => UserText.List(Names(extras, withArticle: true));

        /// <summary>
        /// The address as a message may show it: <c>https://api.mch.weixin.qq.com:8443</c>, followed by
        /// <c>&lt;user info and query removed&gt;</c> when it had more. When the address has an '@' past its host, the
        /// parser may have taken part of a password (<c>user:1234/secret@host</c>) for the host and port, so only its
        /// scheme is shown.
        /// </summary>
        public static string Quote(Uri uri)
        {
            if (!uri.IsAbsoluteUri || !HasHost(uri))
            {
                return Quote(uri.OriginalString);
            }

            if ((uri.PathAndQuery + uri.Fragment).IndexOf('@') >= 0)
            {
                return uri.Scheme + "://" + NotShown(uri.OriginalString.Trim().Length - uri.Scheme.Length - 3);
            }

            string address = UserText.Excerpt(uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped));
            List<string> removed = Names(ExtrasOf(uri), withArticle: false);
            return removed.Count == 0 ? address : Messages.Format("Answer.AddressPartsRemoved", address, UserText.List(removed));
        }

        /// <summary>
        /// Text given as an address, as a message may show it: as <see cref="Quote(Uri)"/> when it is an address with a
        /// host; quoted whole (as an excerpt) when it holds neither ':' nor '@' and so no password; else only its
        /// scheme, when it starts with one, and how long the rest is.
        /// </summary>
        public static string Quote(string? text)
        {
            Uri? uri = Parse(text);
            if (uri != null)
            {
                return Quote(uri);
            }

            string trimmed = (text ?? string.Empty).Trim();
            if (trimmed.IndexOf(':') < 0 && trimmed.IndexOf('@') < 0)
            {
                return "'" + UserText.Excerpt(trimmed) + "'";
            }

            int schemeEnd = trimmed.IndexOf("://", StringComparison.Ordinal);
            return schemeEnd > 0 && schemeEnd <= MaxScheme && IsScheme(trimmed.Substring(0, schemeEnd))
                ? trimmed.Substring(0, schemeEnd + 3) + NotShown(trimmed.Length - schemeEnd - 3)
                : NotShown(trimmed.Length);
        }

        /// <summary>
        /// True when the address names a host after "scheme://". <c>mailto:user@host</c> and <c>user:password</c> have no
        /// "//", and a file path has no host.
        /// </summary>
        private static bool HasHost(Uri uri) =>
            uri.Host.Length > 0
            && uri.OriginalString.Trim().StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase);

        private static string NotShown(int length) => Messages.Format("Answer.AddressNotShown", UserText.Count(length));

        /// <summary>A scheme as RFC 3986 spells it: a letter, then letters, digits, '+', '-' or '.'.</summary>
        private static bool IsScheme(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))
                {
                    return false;
                }
            }

            return text.Length > 0;
        }

        private static List<string> Names(Extras extras, bool withArticle)
        {
            var names = new List<string>(4);
            if ((extras & Extras.UserInfo) != 0)
            {
                names.Add(Messages.Format("Answer.AddressUserInfo"));
            }

            if ((extras & Extras.Path) != 0)
            {
                names.Add(withArticle ? Messages.Format("Answer.AddressHasPath") : Messages.Format("Answer.AddressPath"));
            }

            if ((extras & Extras.Query) != 0)
            {
                names.Add(withArticle ? Messages.Format("Answer.AddressHasQuery") : Messages.Format("Answer.AddressQuery"));
            }

            if ((extras & Extras.Fragment) != 0)
            {
                names.Add(withArticle ? Messages.Format("Answer.AddressHasFragment") : Messages.Format("Answer.AddressFragment"));
            }

            return names;
        }
    }
}
