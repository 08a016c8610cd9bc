using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Crypto;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Downloads WeChat Pay's platform certificates: signed <c>GET /v3/certificates</c> -> the answer's signature checked
    /// with a trusted key -> each certificate decrypted with the APIv3 key (AEAD_AES_256_GCM, associated data
    /// "certificate") and checked against its serial_no, effective_time and expire_time. With nothing trusted yet, the
    /// list is verified with the certificate it holds (trust on first use, which the caller must announce). Any
    /// failure throws a <see cref="PayscoreException"/> and gives nothing. Knows nothing of PowerShell.
    /// </summary>
    internal sealed class PlatformCertificateDownloader
    {
        public static readonly string PathAndQuery = EndpointTable.Certificates.Template;

        private readonly WechatpayClient _client;
        private readonly ApiV3Key _apiV3Key;
        private readonly WechatpayKeyStore _trusted;
        private readonly Func<DateTimeOffset> _clock;

        public PlatformCertificateDownloader(WechatpayClient client, ApiV3Key apiV3Key, WechatpayKeyStore trusted, Func<DateTimeOffset>? clock = null)
        {
            _client = client;
            _apiV3Key = apiV3Key;
            _trusted = trusted;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public async Task<PlatformCertificateDownload> DownloadAsync(Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            WechatpayResponse response = await RequestAsync(_client, _trusted, diagnostics, cancellationToken).ConfigureAwait(false);
            CheckAnswered(response);

            // Signed by a key not trusted here (nothing is yet, or WeChat Pay signs the list with a platform certificate
            // although a public key is configured): only a certificate the list holds can vouch for it, and only because
            // each certificate must decrypt and authenticate under the APIv3 key, which only WeChat Pay and the merchant hold.
            bool vouchedByListed = response.Verification.Status == VerificationStatus.UnknownSerial;
            if (!response.Verification.IsVerified && !vouchedByListed)
            {
                throw Unverified(response.Verification.Message);
            }

            (IReadOnlyList<PlatformCertificate> certificates, IReadOnlyDictionary<string, RSA> keys) = OpenAll(response.Body);
            string signedBy = response.Signature?.Serial ?? string.Empty;
            string? configured = DescribeTrusted();
            if (vouchedByListed)
            {
                VerifyWithListed(response, keys, configured);
            }

            return new PlatformCertificateDownload(certificates, keys, signedBy, vouchedByListed, configured);
        }

        /// <summary>
        /// One signed <c>GET /v3/certificates</c>, without a refresh on an unknown serial. It names a trusted key in
        /// <c>Wechatpay-Serial</c> (the public key, else the newest platform certificate trusted), so that WeChat Pay
        /// signs with a key the answer can be checked with, even while it already signs other answers with a
        /// certificate not yet known here.
        /// </summary>
        public static Task<WechatpayResponse> RequestAsync(WechatpayClient client, WechatpayKeyStore trusted, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            IReadOnlyList<string> platformSerials = trusted.PlatformSerials;
            string? trustedSerial = trusted.PublicKeyId ?? (platformSerials.Count > 0 ? platformSerials[platformSerials.Count - 1] : null);
            return client.SendUnrefreshedAsync(EndpointTable.Certificates.Method, PathAndQuery, WechatpayResponse.EmptyBody, diagnostics, cancellationToken, wechatpaySerial: trustedSerial);
        }

        /// <summary>
        /// Every certificate of a certificate list's body, decrypted with the APIv3 key and checked against what it is
        /// listed with (a certificate listed twice once), with its public key by serial; whatever the answer's
        /// signature, which the caller checks. Throws a <see cref="PayscoreException"/>: a body that is
        /// not a list, a certificate that does not decrypt (a wrong APIv3 key) or does not match its entry.
        /// </summary>
        public (IReadOnlyList<PlatformCertificate> Certificates, IReadOnlyDictionary<string, RSA> Keys) OpenAll(byte[] body)
        {
            IReadOnlyList<ListedCertificate> listed;
            try
            {
                listed = PlatformCertificateListing.Parse(body);
            }
            catch (FormatException ex)
            {
                throw new PayscoreException(
                    ErrorIds.PlatformCertificateDownloadFailed,
                    Messages.Format("Protocol.CertificateListUnreadable", PathAndQuery, ex.Message));
            }

            var certificates = new List<PlatformCertificate>();
            var keys = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);
            try
            {
                foreach (ListedCertificate entry in listed)
                {
                    (PlatformCertificate certificate, RSA key) = Open(entry);
                    if (certificates.Any(c => c.SerialNumber == certificate.SerialNumber && c.Fingerprint == certificate.Fingerprint))
                    {
                        // The same certificate listed twice is one certificate: one object, one file.
                        key.Dispose();
                        continue;
                    }

                    certificates.Add(certificate);
                    keys[certificate.SerialNumber] = key;
                }
            }
            catch
            {
                foreach (RSA key in keys.Values)
                {
                    key.Dispose();
                }

                throw;
            }

            return (certificates, keys);
        }

        private static void CheckAnswered(WechatpayResponse response)
        {
            var answer = WechatpayAnswer.Of(response, 200);
            if (response.IsTransportFailure(out string? failure))
            {
                throw new PayscoreException(ErrorIds.PlatformCertificateDownloadFailed, Messages.Format("Protocol.CertificatesNoAnswer", PathAndQuery, failure));
            }

            if (response.StatusCode == 200)
            {
                return;
            }

            if (answer.MeansPublicKeyOnly)
            {
                throw new PayscoreException(
                    ErrorIds.PlatformCertificatesNotAvailable,
                    Messages.Format("Protocol.PlatformCertificatesNotAvailable", answer.StatusCode, answer.Code, answer.Message));
            }

            string refusal = answer.Error != null ? answer.Code + ": " + answer.Message : answer.Message;
            throw new PayscoreException(
                ErrorIds.PlatformCertificateDownloadFailed,
                response.Verification.IsVerified
                    ? Messages.Format("Protocol.CertificatesRefused", PathAndQuery, response.StatusCode, refusal)
                    : Messages.Format("Protocol.CertificatesRefusedUnverified", PathAndQuery, response.StatusCode, refusal));
        }

        /// <summary>Decrypts one entry and checks the certificate against what it is listed with.</summary>
        private (PlatformCertificate Certificate, RSA Key) Open(ListedCertificate entry)
        {
            string pem;
            try
            {
                pem = _apiV3Key.DecryptText(entry.Nonce, entry.AssociatedData, entry.Ciphertext);
            }
            catch (CryptographicException)
            {
                throw new PayscoreException(
                    ErrorIds.PlatformCertificateDecryptionFailed,
                    Messages.Format("Protocol.CertificateDoesNotDecrypt", entry.SerialNumber, entry.Algorithm));
            }

            PemSection? section = null;
            try
            {
                section = PemSection.ReadAll(pem).FirstOrDefault(s => s.Label == "CERTIFICATE");
            }
            catch (FormatException)
            {
            }

            if (section == null)
            {
                throw new PayscoreException(
                    ErrorIds.PlatformCertificateDownloadFailed,
                    Messages.Format("Protocol.CertificateNotPem", entry.SerialNumber));
            }

            using (var certificate = new X509Certificate2(section.Data))
            using (RSA? key = certificate.GetRSAPublicKey())
            {
                string serial = certificate.SerialNumber.ToUpperInvariant();
                if (serial.TrimStart('0') != entry.SerialNumber.TrimStart('0'))
                {
                    throw new PayscoreException(
                        ErrorIds.PlatformCertificateSerialMismatch,
                        Messages.Format("Protocol.CertificateSerialMismatch", UserText.Excerpt(entry.SerialNumber), serial));
                }

                DateTimeOffset notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
                DateTimeOffset notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                TimeSpan tolerance = TimeSpan.FromMinutes(5);
                if (entry.EffectiveTime < notBefore - tolerance || entry.ExpireTime > notAfter + tolerance || entry.EffectiveTime >= entry.ExpireTime)
                {
                    throw new PayscoreException(
                        ErrorIds.PlatformCertificateValidityMismatch,
                        Messages.Format("Protocol.CertificateValidityMismatch", serial, entry.EffectiveTime, entry.ExpireTime, notBefore, notAfter));
                }

                if (key == null)
                {
                    throw new PayscoreException(
                        ErrorIds.PlatformCertificateDownloadFailed,
                        Messages.Format("Protocol.CertificateNotRsa", serial));
                }

                var listed = new PlatformCertificate(entry.SerialNumber, entry.EffectiveTime, entry.ExpireTime, PlatformCertificate.FingerprintOf(certificate.RawData), pem.Trim() + "\n");
                return (listed, RsaKeyReader.CreateRsa(key.ExportParameters(false)));
            }
        }

        /// <summary>What was trusted before the download, in words; null when nothing was.</summary>
        private string? DescribeTrusted()
        {
            string? publicKey = _trusted.PublicKeyId != null ? Messages.Format("Protocol.WechatpayPublicKeyNamed", _trusted.PublicKeyId) : null;
            IReadOnlyList<string> serials = _trusted.PlatformSerials;
            string? certificates = serials.Count == 0 ? null
                : serials.Count == 1 ? Messages.Format("Protocol.PlatformCertificateNamed", serials[0])
                : Messages.Format("Protocol.PlatformCertificatesNamed", string.Join(", ", serials));
            return publicKey != null && certificates != null
                ? UserText.List(new[] { publicKey, certificates })
                : publicKey ?? certificates;
        }

        /// <summary>Trust on first use: the answer must verify with a certificate it lists, under the serial it names.</summary>
        private void VerifyWithListed(WechatpayResponse response, IReadOnlyDictionary<string, RSA> keys, string? configured)
        {
            var listed = new WechatpayKeyStore();
            foreach (KeyValuePair<string, RSA> key in keys)
            {
                listed.AddPlatformCertificate(key.Key, key.Value);
            }

            VerificationResult result = new ResponseVerifier(listed, _clock).Verify(response.Signature ?? new SignatureHeaders(null, null, null, null), response.Body);
            if (!result.IsVerified)
            {
                throw Unverified(configured == null
                    ? Messages.Format("Protocol.ListCheckedWithoutKey", result.Message)
                    : Messages.Format("Protocol.ListNotSignedWithTrusted", result.Message, configured));
            }
        }

        private static PayscoreException Unverified(string why) =>
            new PayscoreException(
                ErrorIds.PlatformCertificateUnverified,
                Messages.Format("Protocol.CertificateListUnverified", PathAndQuery, why));
    }
}
