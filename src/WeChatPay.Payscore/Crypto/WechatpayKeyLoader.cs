using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>Loads the keys WeChat Pay signs its answers with: its public key, or its platform certificates.</summary>
    internal static class WechatpayKeyLoader
    {
        /// <summary>A WeChat Pay public key file (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
        public static RSA LoadPublicKeyFile(string path)
        {
            string text = KeyFile.ReadText(path, (_, why) => Invalid(
                ErrorIds.WechatpayPublicKeyInvalid,
                Messages.Format("Crypto.PublicKeyFileUnreadable", KeyFile.Quote(path), why)));
            return LoadPublicKeyPem(text, KeyFile.TheFile(path));
        }

        public static RSA LoadPublicKeyPem(string pem, string source)
        {
            foreach (PemSection section in Read(pem, source, ErrorIds.WechatpayPublicKeyInvalid))
            {
                if (section.Label != "PUBLIC KEY")
                {
                    continue;
                }

                RSAParameters parameters;
                try
                {
                    parameters = RsaKeyReader.ReadSubjectPublicKeyInfo(section.Data, out _);
                }
                catch (System.Formats.Asn1.AsnContentException)
                {
                    throw Invalid(ErrorIds.WechatpayPublicKeyInvalid, Messages.Format("Crypto.PublicKeyDamaged", KeyFile.Capitalize(source)));
                }

                if (parameters.Modulus == null)
                {
                    throw Invalid(ErrorIds.WechatpayPublicKeyInvalid, Messages.Format("Crypto.PublicKeyNotRsa", KeyFile.Capitalize(source)));
                }

                return RsaKeyReader.CreateRsa(parameters);
            }

            throw Invalid(
                ErrorIds.WechatpayPublicKeyInvalid,
                Messages.Format("Crypto.PublicKeyNoBlock", KeyFile.Capitalize(source)));
        }

        /// <summary>Every certificate in a platform certificate PEM file, keyed by its serial number.</summary>
        public static IReadOnlyList<KeyValuePair<string, RSA>> LoadPlatformCertificateFile(string path)
        {
            string text = KeyFile.ReadText(path, (_, why) => Invalid(
                ErrorIds.PlatformCertificateInvalid,
                Messages.Format("Crypto.PlatformCertificateFileUnreadable", KeyFile.Quote(path), why)));
            string source = KeyFile.TheFile(path);
            var keys = new List<KeyValuePair<string, RSA>>();
            foreach (PemSection section in Read(text, source, ErrorIds.PlatformCertificateInvalid))
            {
                if (section.Label != "CERTIFICATE")
                {
                    continue;
                }

                try
                {
                    using (var certificate = new X509Certificate2(section.Data))
                    using (RSA? key = certificate.GetRSAPublicKey())
                    {
                        if (key == null)
                        {
                            throw Invalid(ErrorIds.PlatformCertificateInvalid, Messages.Format("Crypto.PlatformCertificateNotRsa", source));
                        }

                        // Copy the key out so that it outlives the certificate object.
                        keys.Add(new KeyValuePair<string, RSA>(
                            certificate.SerialNumber.ToUpperInvariant(),
                            RsaKeyReader.CreateRsa(key.ExportParameters(false))));
                    }
                }
                catch (CryptographicException ex)
                {
                    throw Invalid(ErrorIds.PlatformCertificateInvalid, Messages.Format("Crypto.PlatformCertificateUnreadable", source, ex.Message));
                }
            }

            if (keys.Count == 0)
            {
                throw Invalid(
                    ErrorIds.PlatformCertificateInvalid,
                    Messages.Format("Crypto.PlatformCertificateNoBlock", KeyFile.Capitalize(source)));
            }

            return keys;
        }

        private static IReadOnlyList<PemSection> Read(string pem, string source, string errorId)
        {
            try
            {
                return PemSection.ReadAll(pem);
            }
            catch (FormatException ex)
            {
                throw Invalid(errorId, Messages.Format("Crypto.PemFileInvalid", KeyFile.Capitalize(source), ex.Message));
            }
        }

        private static PayscoreException Invalid(string errorId, string message) =>
            new PayscoreException(errorId, message);
    }
}
