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
        /// <summary>The proxy's origin in messages: it has no environment variable, so it is always this parameter.</summary>
        private const string ProxyOrigin = "-Proxy";

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
                    $"The base URI {UriText.Quote(text)} ({origin}) is not an absolute https:// address. Use https://api.mch.weixin.qq.com.");
            }

            UriText.Extras extras = UriText.ExtrasOf(baseUri);
            if (extras != UriText.Extras.None)
            {
                throw new PayscoreException(
                    ErrorIds.BaseUriInvalid,
                    $"The base URI {UriText.Quote(baseUri)} ({origin}) has {UriText.Describe(extras)}; give only scheme, host and port (the signature covers the path WeChat Pay receives).");
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && !UriText.IsLoopback(baseUri))
            {
                throw new PayscoreException(
                    ErrorIds.BaseUriInsecure,
                    $"The base URI {UriText.Quote(baseUri)} ({origin}) is plain http to another machine; WeChat Pay is reached over https only. Plain http is allowed to loopback addresses alone.");
            }

            return baseUri;
        }

        /// <summary>An http:// or https:// proxy of scheme, host and port; null when none is given.</summary>
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
                    $"{ProxyOrigin} {UriText.Quote(text)} is not an absolute http:// or https:// address; give the proxy as http://proxy.corp.example:8080.");
            }

            if (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)
            {
                throw new PayscoreException(
                    ErrorIds.ProxyInvalid,
                    $"{ProxyOrigin} {UriText.Quote(proxy)} is not an http:// or https:// proxy address, e.g. http://proxy.corp.example:8080.");
            }

            UriText.Extras extras = UriText.ExtrasOf(proxy);
            if (extras != UriText.Extras.None)
            {
                string credential = (extras & UriText.Extras.UserInfo) != 0
                    ? ", and the user name and password with -ProxyCredential, so that they are not shown with the address"
                    : string.Empty;
                throw new PayscoreException(
                    ErrorIds.ProxyInvalid,
                    $"{ProxyOrigin} {UriText.Quote(proxy)} has {UriText.Describe(extras)}; give only scheme, host and port{credential}.");
            }

            return proxy;
        }
    }
}
