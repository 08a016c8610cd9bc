using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// What the module needs from the merchant API certificate (<c>apiclient_cert.pem</c>): its serial number,
    /// which is the <c>serial_no</c> of every request, and its public key, to check the private key belongs to it.
    /// </summary>
    internal sealed class MerchantCertificate
    {
        private readonly byte[] _modulus;

        private MerchantCertificate(string serialNumber, string subject, DateTime notAfter, byte[] modulus)
        {
            SerialNumber = serialNumber;
            Subject = subject;
            NotAfter = notAfter;
            _modulus = modulus;
        }

        /// <summary>Uppercase hex, as <c>openssl x509 -noout -serial</c> prints it.</summary>
        public string SerialNumber { get; }

        public string Subject { get; }

        public DateTime NotAfter { get; }

        public static MerchantCertificate From(X509Certificate2 certificate, string source)
        {
            using (RSA? key = certificate.GetRSAPublicKey())
            {
                if (key == null)
                {
                    throw new PayscoreException(
                        ErrorIds.MerchantCertificateInvalid,
                        Messages.Format("Crypto.MerchantCertificateNotRsa", source));
                }

                return new MerchantCertificate(
                    certificate.SerialNumber.ToUpperInvariant(),
                    certificate.Subject,
                    certificate.NotAfter,
                    TrimmedModulus(key));
            }
        }

        /// <summary>Reads <c>apiclient_cert.pem</c> (PEM, or DER as some tools save it).</summary>
        public static MerchantCertificate LoadFile(string path)
        {
            string source = KeyFile.TheFile(path);
            byte[] data = KeyFile.ReadBytes(path, (_, why) => new PayscoreException(
                ErrorIds.MerchantCertificateNotFound,
                Messages.Format("Crypto.MerchantCertificateFileUnreadable", KeyFile.Quote(path), why)));

            byte[] der = data;
            if (data.Length > 0 && data[0] != 0x30)
            {
                der = FindCertificateBlock(System.Text.Encoding.ASCII.GetString(data), source);
            }

            try
            {
                using (var certificate = new X509Certificate2(der))
                {
                    return From(certificate, source);
                }
            }
            catch (CryptographicException ex)
            {
                throw new PayscoreException(
                    ErrorIds.MerchantCertificateInvalid,
                    Messages.Format("Crypto.MerchantCertificateUnreadable", KeyFile.Capitalize(source), ex.Message),
                    ex);
            }
        }

        /// <summary>True when <paramref name="privateKey"/> is the private half of this certificate's key.</summary>
        public bool Matches(RSA privateKey)
        {
            byte[] modulus = TrimmedModulus(privateKey);
            if (modulus.Length != _modulus.Length)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < modulus.Length; i++)
            {
                difference |= modulus[i] ^ _modulus[i];
            }

            return difference == 0;
        }

        private static byte[] FindCertificateBlock(string text, string source)
        {
            try
            {
                foreach (PemSection section in PemSection.ReadAll(text))
                {
                    if (section.Label == "CERTIFICATE")
                    {
                        return section.Data;
                    }
                }
            }
            catch (FormatException ex)
            {
                throw new PayscoreException(
                    ErrorIds.MerchantCertificateInvalid,
                    Messages.Format("Crypto.PemFileInvalid", KeyFile.Capitalize(source), ex.Message));
            }

            throw new PayscoreException(
                ErrorIds.MerchantCertificateInvalid,
                Messages.Format("Crypto.MerchantCertificateNoBlock", KeyFile.Capitalize(source)));
        }

        /// <summary>The key's modulus without leading zero bytes; every RSA key exports one.</summary>
        private static byte[] TrimmedModulus(RSA key) =>
            Trim(key.ExportParameters(false).Modulus ?? throw new CryptographicException(Messages.Format("Crypto.NoModulus")));

        private static byte[] Trim(byte[] modulus)
        {
            int start = 0;
            while (start < modulus.Length - 1 && modulus[start] == 0)
            {
                start++;
            }

            if (start == 0)
            {
                return modulus;
            }

            byte[] trimmed = new byte[modulus.Length - start];
            Array.Copy(modulus, start, trimmed, 0, trimmed.Length);
            return trimmed;
        }
    }
}
