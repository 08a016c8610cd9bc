using System;
using System.Net;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// Checked settings with every key loaded: what a client is built from. The keys belong to the sources
    /// they were loaded from, not to this object or the clients built from it.
    /// </summary>
    internal sealed class ResolvedCredentials
    {
        public ResolvedCredentials(
            string merchantId,
            string serialNumber,
            MerchantKey merchantKey,
            string privateKeySource,
            MerchantCertificate? certificate,
            WechatpayKeyStore wechatpayKeys,
            Uri baseUri,
            Uri? backupBaseUri,
            Uri? proxy,
            NetworkCredential? proxyCredential,
            ApiV3Key? apiV3Key)
        {
            MerchantId = merchantId;
            SerialNumber = serialNumber;
            MerchantKey = merchantKey;
            PrivateKeySource = privateKeySource;
            Certificate = certificate;
            WechatpayKeys = wechatpayKeys;
            BaseUri = baseUri;
            BackupBaseUri = backupBaseUri;
            Proxy = proxy;
            ProxyCredential = proxyCredential;
            ApiV3Key = apiV3Key;
        }

        public string MerchantId { get; }

        /// <summary>Uppercase hex: the <c>serial_no</c> of every request.</summary>
        public string SerialNumber { get; }

        public MerchantKey MerchantKey { get; }

        /// <summary>Says where the merchant private key is (<see cref="MerchantKeySource.Description"/>), for messages.</summary>
        public string PrivateKeySource { get; }

        public MerchantCertificate? Certificate { get; }

        public WechatpayKeyStore WechatpayKeys { get; }

        public Uri BaseUri { get; }

        /// <summary>Null when there is none (a base URI other than WeChat Pay's default, without -BackupBaseUri).</summary>
        public Uri? BackupBaseUri { get; }

        public Uri? Proxy { get; }

        public NetworkCredential? ProxyCredential { get; }

        /// <summary>Decrypts platform certificates and callback resources; null when none was given.</summary>
        public ApiV3Key? ApiV3Key { get; }

        public WechatpayClient CreateClient(TimeSpan timeout, int maxConnectionsPerServer = 64, Func<DateTimeOffset>? clock = null)
        {
            var signer = new RequestSigner(MerchantId, SerialNumber, MerchantKey.PrivateKey, clock);
            var verifier = new ResponseVerifier(WechatpayKeys, clock);
            var options = new WechatpayClientOptions
            {
                BaseUri = BaseUri,
                BackupBaseUri = BackupBaseUri,
                Timeout = timeout,
                MaxConnectionsPerServer = maxConnectionsPerServer,
                Proxy = Proxy,
                ProxyCredential = ProxyCredential,
            };
            var client = new WechatpayClient(options, signer, verifier, WechatpayKeys.PublicKeyId);
            if (ApiV3Key != null && FollowsPlatformCertificates)
            {
                var downloader = new PlatformCertificateDownloader(client, ApiV3Key, WechatpayKeys, clock);
                client.Refresher = new PlatformCertificateRefresher(downloader.DownloadAsync, WechatpayKeys, verifier, clock);
            }

            return client;
        }

        /// <summary>
        /// Platform-certificate mode: no WeChat Pay public key, or platform certificates beside it (a migration). With an
        /// APIv3 key, the client then downloads the certificates when an answer names one it does not know.
        /// </summary>
        public bool FollowsPlatformCertificates => WechatpayKeys.PublicKeyId == null || WechatpayKeys.PlatformSerials.Count > 0;
    }
}
