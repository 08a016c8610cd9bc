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
                Messages.Format("Crypto.PrivateKeyFileUnreadable", KeyFile.Quote(path), why)));

            return LoadFromPem(text, KeyFile.TheFile(path));
        }

        /// <param name="source">Names where the PEM came from, for error messages (never the PEM itself).</param>
        public static RSA LoadFromPem(string pem, string source)
        {
            var sections = ReadSections(pem, source);
            if (sections.Count == 0)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    Messages.Format("Crypto.PrivateKeyNoPemBlock", KeyFile.Capitalize(source)));
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
            string? otherKey = label switch
            {
                "PUBLIC KEY" => Messages.Format("Crypto.PemHoldsPublicKey"),
                "RSA PUBLIC KEY" => Messages.Format("Crypto.PemHoldsRsaPublicKey"),
                "CERTIFICATE" => Messages.Format("Crypto.PemHoldsCertificate"),
                _ => null,
            };
            if (otherKey != null)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyIsNotPrivate,
                    Messages.Format("Crypto.PrivateKeyIsOtherKind", KeyFile.Capitalize(source), otherKey));
            }

            throw new PayscoreException(
                ErrorIds.PrivateKeyNotRsa,
                Messages.Format("Crypto.PrivateKeyBlockNotRsa", KeyFile.Capitalize(source), UserText.Excerpt(label)));
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
                    Messages.Format("Crypto.PrivateKeyDamaged", KeyFile.Capitalize(source)));
            }

            if (parameters.Modulus == null)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyNotRsa,
                    Messages.Format("Crypto.PrivateKeyNotRsa", KeyFile.Capitalize(source)));
            }

            try
            {
                return RsaKeyReader.CreateRsa(parameters);
            }
            catch (CryptographicException)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyUnreadable,
                    Messages.Format("Crypto.PrivateKeyImportRefused", KeyFile.Capitalize(source)));
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
                    Messages.Format("Crypto.PemFileInvalid", KeyFile.Capitalize(source), ex.Message));
            }
        }

        private static PayscoreException Encrypted(string source) =>
            new PayscoreException(
                ErrorIds.PrivateKeyEncrypted,
                Messages.Format("Crypto.PrivateKeyEncrypted", KeyFile.Capitalize(source)));
    }
}
