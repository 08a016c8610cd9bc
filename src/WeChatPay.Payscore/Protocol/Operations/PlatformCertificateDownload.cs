using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>What one <c>GET /v3/certificates</c> gave: the checked certificates, their keys and how the list was trusted.</summary>
    internal sealed class PlatformCertificateDownload
    {
        public PlatformCertificateDownload(IReadOnlyList<PlatformCertificate> certificates, IReadOnlyDictionary<string, RSA> keys, string signedBy, bool trustedOnFirstUse, string? trustedBefore = null)
        {
            Certificates = certificates;
            Keys = keys;
            SignedBy = signedBy;
            TrustedOnFirstUse = trustedOnFirstUse;
            TrustedBefore = trustedBefore;
        }

        /// <summary>The WeChat Pay keys trusted before the download, in words; null when there were none.</summary>
        public string? TrustedBefore { get; }

        /// <summary>Which key vouched for the list, in words.</summary>
        public string VouchedBy => TrustedOnFirstUse
            ? Messages.Format("Protocol.VouchedByListed", SignedBy)
            : WechatpayKeyStore.IsPublicKeyId(SignedBy)
                ? Messages.Format("Protocol.WechatpayPublicKeyNamed", SignedBy)
                : Messages.Format("Protocol.VouchedByTrusted", SignedBy);

        public IReadOnlyList<PlatformCertificate> Certificates { get; }

        /// <summary>Each certificate's public key by its serial.</summary>
        public IReadOnlyDictionary<string, RSA> Keys { get; }

        /// <summary>The Wechatpay-Serial of the list's signature: a trusted key, or on first use one of the listed certificates.</summary>
        public string SignedBy { get; }

        /// <summary>
        /// True when nothing was trusted before, so the list could only be verified with a certificate it holds: it
        /// proves the list was not changed on the way, not who sent it.
        /// </summary>
        public bool TrustedOnFirstUse { get; }

        /// <summary>The warning a first-use download must be announced with (never silently); null otherwise.</summary>
        public string? FirstUseWarning
        {
            get
            {
                if (!TrustedOnFirstUse)
                {
                    return null;
                }

                PlatformCertificate signer = Certificates.First(c => c.SerialNumber == SignedBy);
                string why = TrustedBefore == null
                    ? Messages.Format("Protocol.FirstUseNoKey")
                    : Messages.Format("Protocol.FirstUseNotSignedWithTrusted", TrustedBefore);
                return Messages.Format("Protocol.FirstUseWarning", why, signer.SerialNumber, signer.Fingerprint);
            }
        }
    }
}
