using System;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// The checks of the addresses a client connects through: the base URIs and the proxy. Each is scheme, host and
    /// port alone, and messages show it only through <see cref="UriText"/>: user info or a query can hold a password.
    /// </summary>
    internal static class AddressSettings
    {
        /// <summary>HTTPS only, except plain HTTP to this machine (a local simulator or a debugging proxy); null when none is given.</summary>
        /// <param name="origin">Where <paramref name="text"/> came from, for the message.</param>
        public static Uri? CheckBaseUri(string? text, string origin)
        {
            if (Strings.IsBlank(text))
            {
                return null;
            }

            Uri? baseUri = UriText.Parse(text);
            if (baseUri == null || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            {
                throw new PayscoreException(
                    ErrorIds.BaseUriInvalid,
                    Messages.Format("Config.BaseUriNotAbsolute", UriText.Quote(text), origin));
            }

            UriText.Extras extras = UriText.ExtrasOf(baseUri);
            if (extras != UriText.Extras.None)
            {
                throw new PayscoreException(
                    ErrorIds.BaseUriInvalid,
                    Messages.Format("Config.BaseUriHasExtras", UriText.Quote(baseUri), origin, UriText.Describe(extras)));
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && !UriText.IsLoopback(baseUri))
            {
                throw new PayscoreException(
                    ErrorIds.BaseUriInsecure,
                    Messages.Format("Config.BaseUriPlainHttp", UriText.Quote(baseUri), origin));
            }

            return baseUri;
        }

        /// <summary>
        /// An http:// or https:// proxy of scheme, host and port; null when none is given. The proxy has no environment
        /// variable, so its messages always name -Proxy.
        /// </summary>
        public static Uri? CheckProxy(string? text)
        {
            if (Strings.IsBlank(text))
            {
                return null;
            }

            Uri? proxy = UriText.Parse(text);
            if (proxy == null)
            {
                throw new PayscoreException(
                    ErrorIds.ProxyInvalid,
                    Messages.Format("Config.ProxyNotAbsolute", UriText.Quote(text)));
            }

            if (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)
            {
                throw new PayscoreException(
                    ErrorIds.ProxyInvalid,
                    Messages.Format("Config.ProxyWrongScheme", UriText.Quote(proxy)));
            }

            UriText.Extras extras = UriText.ExtrasOf(proxy);
            if (extras != UriText.Extras.None)
            {
                throw new PayscoreException(
                    ErrorIds.ProxyInvalid,
                    (extras & UriText.Extras.UserInfo) != 0
                        ? Messages.Format("Config.ProxyHasUserInfo", UriText.Quote(proxy), UriText.Describe(extras))
                        : Messages.Format("Config.ProxyHasExtras", UriText.Quote(proxy), UriText.Describe(extras)));
            }

            return proxy;
        }
    }
}
