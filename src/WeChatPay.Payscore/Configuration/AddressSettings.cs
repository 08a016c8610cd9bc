using System;
using System.Net;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>The checks of the addresses a client connects through: the base URIs and the proxy.</summary>
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

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? baseUri)
                || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"The base URI '{UserText.Excerpt(text)}' ({origin}) is not an https:// address. Use https://api.mch.weixin.qq.com.");
            }

            if (baseUri.AbsolutePath != "/" || baseUri.Query.Length > 0 || baseUri.UserInfo.Length > 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"The base URI '{UserText.Excerpt(baseUri.GetLeftPart(UriPartial.Authority) + baseUri.AbsolutePath)}' ({origin}) has a path or user info; give only scheme, host and port (the signature covers the path WeChat Pay receives).");
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUri))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInsecure,
                    $"The base URI '{UserText.Excerpt(baseUri.ToString())}' ({origin}) is plain http to another machine; WeChat Pay is reached over https only. Plain http is allowed to loopback addresses alone.");
            }

            return baseUri;
        }

        public static void CheckProxy(Uri? proxy)
        {
            if (proxy == null)
            {
                return;
            }

            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.ProxyInvalid,
                    $"-Proxy '{(proxy.IsAbsoluteUri ? UserText.Excerpt(proxy.GetLeftPart(UriPartial.Authority)) : "(relative)")}' is not an http:// or https:// proxy address, e.g. http://proxy.corp.example:8080.");
            }

            if (proxy.UserInfo.Length > 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.ProxyInvalid,
                    "-Proxy holds a user name or password; give them with -ProxyCredential instead, so that they are not shown with the address.");
            }
        }

        private static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address);
        }
    }
}
