using System;
using System.Formats.Asn1;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// Loads <c>apiclient_cert.p12</c>, which holds the merchant API certificate and its private key. WeChat Pay
    /// protects it with the merchant id as the password.
    /// </summary>
    internal static class MerchantPkcs12Loader
    {
        // X509KeyStorageFlags.EphemeralKeySet (.NET Framework 4.7.2+, .NET Core 2.0+) is missing from the
        // netstandard2.0 surface. It keeps the key in memory: no key file, no user profile needed.
        private const X509KeyStorageFlags EphemeralKeySet = (X509KeyStorageFlags)32;

        /// <param name="password">Null means the merchant id, the password WeChat Pay issues the file with.</param>
        public static MerchantKey LoadFile(string path, SecureString? password, string merchantId)
        {
            string source = $"the file {KeyFile.Quote(path)}";
            byte[] data = KeyFile.ReadBytes(path, (ex, why) => new PayscoreConfigurationException(
                ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorIds.CertificateNotFound : ErrorIds.CertificateUnreadable,
                $"The merchant certificate file {KeyFile.Quote(path)} cannot be read: {why}. Give -CertificatePath the path of apiclient_cert.p12."));

            if (!LooksLikePkcs12(data))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.CertificateUnreadable,
                    $"{KeyFile.Capitalize(source)} is not a PKCS#12 (.p12/.pfx) file. Give -CertificatePath apiclient_cert.p12, or give a PEM key with -PrivateKeyPath.");
            }

            X509Certificate2 certificate = Open(data, password, merchantId, source);
            try
            {
                if (!certificate.HasPrivateKey)
                {
                    throw new PayscoreConfigurationException(
                        ErrorIds.CertificateHasNoPrivateKey,
                        $"{KeyFile.Capitalize(source)} holds a certificate without its private key. Use apiclient_cert.p12 as WeChat Pay issued it, or give -PrivateKeyPath apiclient_key.pem.");
                }

                MerchantCertificate info = MerchantCertificate.From(certificate, source);
                RSA? key = certificate.GetRSAPrivateKey();
                if (key == null)
                {
                    throw new PayscoreConfigurationException(
                        ErrorIds.PrivateKeyNotRsa,
                        $"{KeyFile.Capitalize(source)} holds a private key that is not RSA. WeChat Pay APIv3 signs with RSA 2048.");
                }

                RSA? copy = TryCopy(key);
                if (copy != null)
                {
                    key.Dispose();
                    certificate.Dispose();
                    return new MerchantKey(copy, info);
                }

                // The platform would not hand out the key values (a Windows key store policy); sign with the
                // certificate's own key object and keep the certificate alive with it.
                return new MerchantKey(key, info, certificate);
            }
            catch
            {
                certificate.Dispose();
                throw;
            }
        }

        private static X509Certificate2 Open(byte[] data, SecureString? password, string merchantId, string source)
        {
            X509KeyStorageFlags flags = X509KeyStorageFlags.Exportable;

            // macOS refuses ephemeral keys (it imports into a temporary keychain instead).
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                flags |= EphemeralKeySet;
            }

            try
            {
                return password != null
                    ? new X509Certificate2(data, password, flags)
                    : new X509Certificate2(data, merchantId, flags);
            }
            catch (CryptographicException ex)
            {
                string hint = password != null
                    ? "Check -CertificatePassword."
                    : $"Without -CertificatePassword the merchant id {merchantId} is tried, the password WeChat Pay issues apiclient_cert.p12 with; give -CertificatePassword when the file has another one.";
                throw new PayscoreConfigurationException(
                    ErrorIds.CertificatePasswordInvalid,
                    $"{KeyFile.Capitalize(source)} cannot be opened: the password is wrong, or the file is damaged. {hint}",
                    ex);
            }
        }

        private static RSA? TryCopy(RSA key)
        {
            RSAParameters parameters;
            try
            {
                parameters = key.ExportParameters(true);
            }
            catch (CryptographicException)
            {
                return null;
            }

            try
            {
                return RsaKeyReader.CreateRsa(parameters);
            }
            finally
            {
                RsaKeyReader.Clear(parameters);
            }
        }

        /// <summary>A PFX is a SEQUENCE starting with version 3 (RFC 7292); anything else is not worth a password.</summary>
        internal static bool LooksLikePkcs12(byte[] data)
        {
            try
            {
                var reader = new AsnReader(data, AsnEncodingRules.BER);
                AsnReader pfx = reader.ReadSequence();
                return pfx.TryReadInt32(out int version) && version == 3;
            }
            catch (AsnContentException)
            {
                return false;
            }
        }
    }
}
