using System;
using System.IO;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>Loads the merchant's API private key (<c>apiclient_key.pem</c>) into an ephemeral RSA key.</summary>
    internal static class MerchantPrivateKeyLoader
    {
        public static RSA LoadFromFile(string path)
        {
            string text = KeyFile.ReadText(path, (ex, why) => new PayscoreException(
                ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorIds.PrivateKeyNotFound : ErrorIds.PrivateKeyUnreadable,
                $"The merchant private key file {KeyFile.Quote(path)} cannot be read: {why}. Give -PrivateKeyPath the path of apiclient_key.pem."));

            return LoadFromPem(text, $"the file {KeyFile.Quote(path)}");
        }

        /// <param name="source">Names where the PEM came from, for error messages (never the PEM itself).</param>
        public static RSA LoadFromPem(string pem, string source)
        {
            var sections = ReadSections(pem, source);
            if (sections.Count == 0)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    $"{KeyFile.Capitalize(source)} holds no PEM block. The merchant private key is the apiclient_key.pem file, starting with '-----BEGIN PRIVATE KEY-----'.");
            }

            foreach (PemSection section in sections)
            {
                switch (section.Label)
                {
                    case "PRIVATE KEY":
                        return FromPkcs8(section.Data, source);
                    case "RSA PRIVATE KEY":
                        if (section.HasEncryptionHeader)
                        {
                            throw Encrypted(source);
                        }

                        return Import(() => RsaKeyReader.ReadPkcs1PrivateKey(section.Data), source);
                    case "ENCRYPTED PRIVATE KEY":
                        throw Encrypted(source);
                }
            }

            string label = sections[0].Label;
            if (label == "PUBLIC KEY" || label == "RSA PUBLIC KEY" || label == "CERTIFICATE")
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyIsNotPrivate,
                    $"{KeyFile.Capitalize(source)} holds a {label.ToLowerInvariant()}, not a private key. Use apiclient_key.pem (not apiclient_cert.pem or the WeChat Pay public key) for -PrivateKeyPath.");
            }

            throw new PayscoreException(
                ErrorIds.PrivateKeyNotRsa,
                $"{KeyFile.Capitalize(source)} holds a '{UserText.Excerpt(label)}' block, not an RSA private key. WeChat Pay APIv3 signs with the RSA key in apiclient_key.pem.");
        }

        private static RSA FromPkcs8(byte[] der, string source) =>
            Import(() => RsaKeyReader.ReadPkcs8PrivateKey(der, out _), source);

        private static RSA Import(Func<RSAParameters> read, string source)
        {
            RSAParameters parameters;
            try
            {
                parameters = read();
            }
            catch (Exception ex) when (ex is System.Formats.Asn1.AsnContentException || ex is CryptographicException)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    $"{KeyFile.Capitalize(source)} is not a valid private key (the DER structure is damaged).");
            }

            if (parameters.Modulus == null)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyNotRsa,
                    $"{KeyFile.Capitalize(source)} holds a private key that is not RSA. WeChat Pay APIv3 signs with the RSA key in apiclient_key.pem.");
            }

            try
            {
                return RsaKeyReader.CreateRsa(parameters);
            }
            catch (CryptographicException)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    $"{KeyFile.Capitalize(source)} holds RSA key values the platform refuses to import.");
            }
            finally
            {
                RsaKeyReader.Clear(parameters);
            }
        }

        private static System.Collections.Generic.IReadOnlyList<PemSection> ReadSections(string pem, string source)
        {
            try
            {
                return PemSection.ReadAll(pem);
            }
            catch (FormatException ex)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    $"{KeyFile.Capitalize(source)} is not a valid PEM file: {ex.Message}");
            }
        }

        private static PayscoreException Encrypted(string source) =>
            new PayscoreException(
                ErrorIds.PrivateKeyEncrypted,
                $"{KeyFile.Capitalize(source)} holds an encrypted private key. Use the unencrypted apiclient_key.pem that WeChat Pay issues, or decrypt it first (openssl pkcs8 -in key.pem -out apiclient_key.pem).");
    }
}
