using System;
using System.Collections.Generic;
using WeChatPay.Payscore.Configuration;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The merchant settings <c>Connect-WxPayscore</c> checked and keeps for the session. What it shows says where
    /// each key is and which one it is; it never holds key material in a form that can be displayed.
    /// </summary>
    public sealed class PayscoreConnection
    {
        internal PayscoreConnection(ClientSettings settings, ResolvedCredentials credentials, TimeSpan? timeout)
        {
            Settings = settings;
            MerchantId = credentials.MerchantId;
            MerchantSerialNumber = credentials.SerialNumber;
            PrivateKey = settings.PrivateKey?.Description ?? string.Empty;
            CertificateSubject = credentials.Certificate?.Subject;
            CertificateNotAfter = credentials.Certificate?.NotAfter;
            WechatpayPublicKeyId = credentials.WechatpayKeys.PublicKeyId;
            var serials = new List<string>();
            foreach (string serial in credentials.WechatpayKeys.Serials)
            {
                if (serial != credentials.WechatpayKeys.PublicKeyId)
                {
                    serials.Add(serial);
                }
            }

            PlatformCertificateSerialNumbers = serials.ToArray();
            ApiV3Key = credentials.ApiV3Key == null ? null : settings.Origin(nameof(ClientSettings.ApiV3Key));
            BaseUri = credentials.BaseUri;
            Proxy = credentials.Proxy;
            TimeoutSec = timeout.HasValue ? (int?)timeout.Value.TotalSeconds : null;
            ConnectedAt = DateTimeOffset.Now;
        }

        public string MerchantId { get; }

        /// <summary>The merchant API certificate's serial, as sent in every request's <c>serial_no</c>.</summary>
        public string MerchantSerialNumber { get; }

        /// <summary>Where the merchant private key was loaded from (a file name, a PKCS#12 file, or "PEM text").</summary>
        public string PrivateKey { get; }

        /// <summary>The merchant certificate's subject, when a certificate was given.</summary>
        public string? CertificateSubject { get; }

        /// <summary>
        /// When the merchant certificate expires, read from the certificate whenever one was given (-MerchantCertificatePath,
        /// or the .p12 of -CertificatePath); empty with a key and a serial only, when the expiry is unknown.
        /// </summary>
        public DateTime? CertificateNotAfter { get; }

        public string? WechatpayPublicKeyId { get; }

        public string[] PlatformCertificateSerialNumbers { get; }

        /// <summary>Where the APIv3 key came from (-ApiV3Key or WXPAY_APIV3_KEY), never the key; empty when none was given.</summary>
        public string? ApiV3Key { get; }

        public Uri BaseUri { get; }

        public Uri? Proxy { get; }

        public int? TimeoutSec { get; }

        public DateTimeOffset ConnectedAt { get; }

        /// <summary>The layer the connection adds below a command's own parameters.</summary>
        internal ClientSettings Settings { get; }

        public override string ToString() => Messages.Format("Result.Connection", MerchantId, MerchantSerialNumber, UriText.Quote(BaseUri));
    }
}
