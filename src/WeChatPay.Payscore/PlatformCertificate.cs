using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// One WeChat Pay platform certificate Get-WxPayscorePlatformCertificate downloaded, decrypted and checked: the
    /// serial WeChat Pay names it by in <c>Wechatpay-Serial</c>, its validity, and where it was saved.
    /// </summary>
    public sealed class PlatformCertificate
    {
        internal PlatformCertificate(string serialNumber, DateTimeOffset effectiveTime, DateTimeOffset expireTime, string fingerprint, string pem)
        {
            SerialNumber = serialNumber;
            EffectiveTime = effectiveTime;
            ExpireTime = expireTime;
            Fingerprint = fingerprint;
            Pem = pem;
        }

        /// <summary>Uppercase hex, as WeChat Pay lists it (serial_no) and sends it in Wechatpay-Serial.</summary>
        public string SerialNumber { get; }

        /// <summary>From when WeChat Pay may sign with it; a new certificate is listed about a day before.</summary>
        public DateTimeOffset EffectiveTime { get; }

        public DateTimeOffset ExpireTime { get; }

        /// <summary>SHA-256 of the certificate (DER), uppercase hex: compare it with what WeChat Pay shows before trusting a first download.</summary>
        public string Fingerprint { get; }

        /// <summary>The wechatpay_&lt;serial&gt;.pem file it was written to with -OutputDirectory; empty otherwise.</summary>
        public string? Path { get; internal set; }

        /// <summary>The certificate as PEM, as WeChat Pay encrypted it.</summary>
        internal string Pem { get; }

        /// <summary>The file name WeChat Pay's own tools give it.</summary>
        internal string FileName => "wechatpay_" + SerialNumber + ".pem";

        public override string ToString() => SerialNumber;

        /// <summary>The <see cref="Fingerprint"/> of a certificate's DER bytes.</summary>
        internal static string FingerprintOf(byte[] der)
        {
#if NETFRAMEWORK
            byte[] digest;
            using (SHA256 sha256 = SHA256.Create())
            {
                digest = sha256.ComputeHash(der);
            }
#else
            byte[] digest = SHA256.HashData(der);
#endif
            return string.Concat(digest.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
        }
    }
}
