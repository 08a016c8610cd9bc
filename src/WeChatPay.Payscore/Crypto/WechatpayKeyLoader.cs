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
            string text = ReadFile(path, ErrorIds.WechatpayPublicKeyInvalid, "WeChat Pay public key", "-WechatpayPublicKeyPath");
            return LoadPublicKeyPem(text, $"the file {KeyFile.Quote(path)}");
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
                    throw Invalid(ErrorIds.WechatpayPublicKeyInvalid, $"{KeyFile.Capitalize(source)} is not a valid public key (the DER structure is damaged).");
                }

                if (parameters.Modulus == null)
                {
                    throw Invalid(ErrorIds.WechatpayPublicKeyInvalid, $"{KeyFile.Capitalize(source)} holds a public key that is not RSA.");
                }

                return RsaKeyReader.CreateRsa(parameters);
            }

            throw Invalid(
                ErrorIds.WechatpayPublicKeyInvalid,
                $"{KeyFile.Capitalize(source)} holds no '-----BEGIN PUBLIC KEY-----' block. Download the WeChat Pay public key (pub_key.pem) from the merchant platform.");
        }

        /// <summary>Every certificate in a platform certificate PEM file, keyed by its serial number.</summary>
        public static IReadOnlyList<KeyValuePair<string, RSA>> LoadPlatformCertificateFile(string path)
        {
            string text = ReadFile(path, ErrorIds.PlatformCertificateInvalid, "platform certificate", "-PlatformCertificatePath");
            string source = $"the file {KeyFile.Quote(path)}";
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
                            throw Invalid(ErrorIds.PlatformCertificateInvalid, $"The certificate in {source} does not hold an RSA key.");
                        }

                        // Copy the key out so that it outlives the certificate object.
                        keys.Add(new KeyValuePair<string, RSA>(
                            certificate.SerialNumber.ToUpperInvariant(),
                            RsaKeyReader.CreateRsa(key.ExportParameters(false))));
                    }
                }
                catch (CryptographicException ex)
                {
                    throw Invalid(ErrorIds.PlatformCertificateInvalid, $"The certificate in {source} cannot be read: {ex.Message}");
                }
            }

            if (keys.Count == 0)
            {
                throw Invalid(
                    ErrorIds.PlatformCertificateInvalid,
                    $"{KeyFile.Capitalize(source)} holds no '-----BEGIN CERTIFICATE-----' block. Give -PlatformCertificatePath the WeChat Pay platform certificate (wechatpay_*.pem).");
            }

            return keys;
        }

        private static string ReadFile(string path, string errorId, string what, string parameter)
        {
            return KeyFile.ReadText(path, (_, why) => Invalid(errorId, $"The {what} file {KeyFile.Quote(path)} cannot be read: {why}. Check {parameter}."));
        }

        private static IReadOnlyList<PemSection> Read(string pem, string source, string errorId)
        {
            try
            {
                return PemSection.ReadAll(pem);
            }
            catch (FormatException ex)
            {
                throw Invalid(errorId, $"{KeyFile.Capitalize(source)} is not a valid PEM file: {ex.Message}");
            }
        }

        private static PayscoreException Invalid(string errorId, string message) =>
            new PayscoreException(errorId, message);
    }
}
