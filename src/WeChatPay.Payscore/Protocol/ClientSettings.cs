using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using WeChatPay.Payscore.Crypto;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The merchant settings of a run. <see cref="CreateClient"/> checks them all and loads every key
    /// before the first request, so a bad setting stops the run with a message that says what to fix.
    /// Paths are file-system paths (the cmdlet resolves PowerShell paths first).
    /// </summary>
    internal sealed class ClientSettings
    {
        public const string PublicKeyIdPrefix = "PUB_KEY_ID_";

        public string? MerchantId { get; set; }

        public string? MerchantSerialNumber { get; set; }

        public string? PrivateKeyPath { get; set; }

        public string? WechatpayPublicKeyId { get; set; }

        public string? WechatpayPublicKeyPath { get; set; }

        public IList<string> PlatformCertificatePaths { get; set; } = new List<string>();

        public Uri BaseUri { get; set; } = WechatpayClientOptions.DefaultBaseUri;

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        public WechatpayClient CreateClient(Func<DateTimeOffset>? clock = null)
        {
            string merchantId = RequireMerchantId();
            string serial = RequireSerialNumber();
            Uri baseUri = CheckBaseUri(BaseUri);
            string? publicKeyId = CheckPublicKeySettings();

            if (string.IsNullOrWhiteSpace(PrivateKeyPath))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.PrivateKeyMissing,
                    "No merchant private key. Give -PrivateKeyPath the path of apiclient_key.pem.");
            }

            RSA privateKey = MerchantPrivateKeyLoader.LoadFromFile(PrivateKeyPath!);
            var keys = new WechatpayKeyStore();
            try
            {
                if (publicKeyId != null)
                {
                    keys.AddPublicKey(publicKeyId, WechatpayKeyLoader.LoadPublicKeyFile(WechatpayPublicKeyPath!));
                }

                foreach (string path in PlatformCertificatePaths)
                {
                    foreach (KeyValuePair<string, RSA> certificate in WechatpayKeyLoader.LoadPlatformCertificateFile(path))
                    {
                        keys.AddPlatformCertificate(certificate.Key, certificate.Value);
                    }
                }

                if (keys.Count == 0)
                {
                    throw new PayscoreConfigurationException(
                        ErrorIds.WechatpayKeyMissing,
                        "No WeChat Pay key to verify answers with. Give -WechatpayPublicKeyId and -WechatpayPublicKeyPath (the WeChat Pay public key), or -PlatformCertificatePath (platform certificates), or both during a migration.");
                }
            }
            catch
            {
                keys.Dispose();
                privateKey.Dispose();
                throw;
            }

            var signer = new RequestSigner(merchantId, serial, privateKey, clock);
            var verifier = new ResponseVerifier(keys, clock);
            var options = new WechatpayClientOptions { BaseUri = baseUri, Timeout = Timeout };
            return new WechatpayClient(options, signer, verifier, publicKeyId, ownedKeys: new IDisposable[] { privateKey, keys });
        }

        private string RequireMerchantId()
        {
            if (string.IsNullOrWhiteSpace(MerchantId))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantIdMissing,
                    "No merchant id. Give -MerchantId: the merchant number (mchid) shown on the WeChat Pay merchant platform.");
            }

            foreach (char c in MerchantId!)
            {
                if (c < '0' || c > '9')
                {
                    throw new PayscoreConfigurationException(
                        ErrorIds.MerchantIdInvalid,
                        $"The merchant id '{InputValidator.Printable(MerchantId)}' is not a merchant number: a mchid has digits only.");
                }
            }

            return MerchantId;
        }

        private string RequireSerialNumber()
        {
            if (string.IsNullOrWhiteSpace(MerchantSerialNumber))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberMissing,
                    "No merchant certificate serial number. Give -MerchantSerialNumber: the serial of apiclient_cert.pem (openssl x509 -in apiclient_cert.pem -noout -serial).");
            }

            string serial = MerchantSerialNumber!.Trim();
            bool hex = serial.Length <= 64;
            foreach (char c in serial)
            {
                hex &= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
            }

            if (!hex)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberInvalid,
                    $"The merchant serial number '{InputValidator.Printable(serial)}' is not hexadecimal. Give the serial of apiclient_cert.pem, e.g. 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C.");
            }

            // WeChat Pay compares serials as uppercase hex, the form openssl prints.
            return serial.ToUpperInvariant();
        }

        private string? CheckPublicKeySettings()
        {
            bool hasId = !string.IsNullOrWhiteSpace(WechatpayPublicKeyId);
            bool hasPath = !string.IsNullOrWhiteSpace(WechatpayPublicKeyPath);
            if (hasPath && !hasId)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyIdMissing,
                    "-WechatpayPublicKeyPath needs -WechatpayPublicKeyId: the public key id (PUB_KEY_ID_...) shown next to the key on the merchant platform.");
            }

            if (hasId && !hasPath)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyPathMissing,
                    "-WechatpayPublicKeyId needs -WechatpayPublicKeyPath: the WeChat Pay public key file (pub_key.pem).");
            }

            if (hasId && !WechatpayPublicKeyId!.StartsWith(PublicKeyIdPrefix, StringComparison.Ordinal))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyIdInvalid,
                    $"The WeChat Pay public key id '{InputValidator.Printable(WechatpayPublicKeyId)}' does not start with {PublicKeyIdPrefix}.");
            }

            return hasId ? WechatpayPublicKeyId : null;
        }

        /// <summary>HTTPS only, except plain HTTP to this machine (a local simulator or a debugging proxy).</summary>
        internal static Uri CheckBaseUri(Uri baseUri)
        {
            if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"-BaseUri '{baseUri}' is not an https:// address. Use https://api.mch.weixin.qq.com.");
            }

            if (baseUri.AbsolutePath != "/" || baseUri.Query.Length > 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"-BaseUri '{baseUri}' has a path; give only scheme, host and port (the signature covers the path WeChat Pay receives).");
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUri))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInsecure,
                    $"-BaseUri '{baseUri}' is plain http to another machine; WeChat Pay is reached over https only. Plain http is allowed to loopback addresses alone.");
            }

            return baseUri;
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
