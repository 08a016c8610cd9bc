using System;
using System.Formats.Asn1;
using System.IO;
using System.Security;
using System.Security.Cryptography;
#if NET
using System.Security.Cryptography.Pkcs;
#endif
using System.Security.Cryptography.X509Certificates;
#if !NET
using System.Runtime.InteropServices;
#endif

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// Loads <c>apiclient_cert.p12</c>, which holds the merchant API certificate and its private key. WeChat Pay
    /// protects it with the merchant id as the password. On .NET the file is read with Pkcs12Info, so the key never
    /// enters a key store (no temporary keychain on macOS, no key file on Windows); .NET Framework has no such
    /// reader, and opens it as an X509Certificate2 with an in-memory key.
    /// </summary>
    internal static class MerchantPkcs12Loader
    {
        /// <param name="password">Null means the merchant id, the password WeChat Pay issues the file with.</param>
        public static MerchantKey LoadFile(string path, SecureString? password, string merchantId)
        {
            string source = KeyFile.TheFile(path);
            byte[] data = KeyFile.ReadBytes(path, (ex, why) => new PayscoreException(
                ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorIds.CertificateNotFound : ErrorIds.CertificateUnreadable,
                Messages.Format("Crypto.Pkcs12FileUnreadable", KeyFile.Quote(path), why)));

            if (!LooksLikePkcs12(data))
            {
                throw new PayscoreException(
                    ErrorIds.CertificateUnreadable,
                    Messages.Format("Crypto.NotPkcs12", KeyFile.Capitalize(source)));
            }

#if NET
            return Read(data, password, merchantId, source);
#else
            X509Certificate2 certificate = Open(data, password, merchantId, source);
            try
            {
                if (!certificate.HasPrivateKey)
                {
                    throw new PayscoreException(
                        ErrorIds.CertificateHasNoPrivateKey,
                        Messages.Format("Crypto.Pkcs12WithoutKey", KeyFile.Capitalize(source)));
                }

                MerchantCertificate info = MerchantCertificate.From(certificate, source);
                RSA? key = certificate.GetRSAPrivateKey();
                if (key == null)
                {
                    throw new PayscoreException(
                        ErrorIds.PrivateKeyNotRsa,
                        Messages.Format("Crypto.Pkcs12KeyNotRsa", KeyFile.Capitalize(source)));
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
#endif
        }

#if NET
        private const string RsaOid = "1.2.840.113549.1.1.1";

        private static MerchantKey Read(byte[] data, SecureString? password, string merchantId, string source)
        {
            string secret = password != null ? SecureText.Reveal(password) : merchantId;
            RSAParameters? key = null;
            var certificates = new System.Collections.Generic.List<X509Certificate2>();
            try
            {
                try
                {
                    Pkcs12Info pfx = Pkcs12Info.Decode(data, out _, skipCopy: true);
                    if (pfx.IntegrityMode == Pkcs12IntegrityMode.Password && !pfx.VerifyMac(secret))
                    {
                        throw WrongPassword(password != null, merchantId, source, null);
                    }

                    foreach (Pkcs12SafeContents safe in pfx.AuthenticatedSafe)
                    {
                        if (safe.ConfidentialityMode == Pkcs12ConfidentialityMode.Password)
                        {
                            safe.Decrypt(secret);
                        }

                        foreach (Pkcs12SafeBag bag in safe.GetBags())
                        {
                            Pkcs8PrivateKeyInfo? pkcs8 = bag switch
                            {
                                Pkcs12ShroudedKeyBag shrouded => Pkcs8PrivateKeyInfo.DecryptAndDecode(secret.AsSpan(), shrouded.EncryptedPkcs8PrivateKey, out _),
                                Pkcs12KeyBag plain => Pkcs8PrivateKeyInfo.Decode(plain.Pkcs8PrivateKey, out _, skipCopy: true),
                                _ => null,
                            };
                            if (bag is Pkcs12CertBag certBag && certBag.IsX509Certificate)
                            {
                                certificates.Add(certBag.GetCertificate());
                            }
                            else if (pkcs8 != null && key == null)
                            {
                                if (pkcs8.AlgorithmId.Value != RsaOid)
                                {
                                    throw new PayscoreException(
                                        ErrorIds.PrivateKeyNotRsa,
                                        Messages.Format("Crypto.Pkcs12KeyNotRsa", KeyFile.Capitalize(source)));
                                }

                                key = RsaKeyReader.ReadPkcs1PrivateKey(pkcs8.PrivateKeyBytes.ToArray());
                            }
                        }
                    }
                }
                catch (CryptographicException ex)
                {
                    throw WrongPassword(password != null, merchantId, source, ex);
                }

                if (key is not RSAParameters parameters || certificates.Find(c => IsPairOf(c, parameters)) is not X509Certificate2 certificate)
                {
                    throw new PayscoreException(
                        ErrorIds.CertificateHasNoPrivateKey,
                        Messages.Format("Crypto.Pkcs12WithoutKey", KeyFile.Capitalize(source)));
                }

                MerchantCertificate info = MerchantCertificate.From(certificate, source);
                return new MerchantKey(RsaKeyReader.CreateRsa(parameters), info);
            }
            finally
            {
                if (key != null)
                {
                    RsaKeyReader.Clear(key.Value);
                }

                foreach (X509Certificate2 c in certificates)
                {
                    c.Dispose();
                }
            }
        }

        private static bool IsPairOf(X509Certificate2 certificate, RSAParameters key)
        {
            using RSA? publicKey = certificate.GetRSAPublicKey();
            return publicKey != null && publicKey.ExportParameters(false).Modulus.AsSpan().SequenceEqual(key.Modulus);
        }
#endif

#if !NET
        private static X509Certificate2 Open(byte[] data, SecureString? password, string merchantId, string source)
        {
            // EphemeralKeySet keeps the key in memory: no key file, no user profile needed.
            X509KeyStorageFlags flags = X509KeyStorageFlags.Exportable;

            // macOS refuses ephemeral keys (it imports into a temporary keychain instead).
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                flags |= X509KeyStorageFlags.EphemeralKeySet;
            }

            try
            {
                return password != null
                    ? new X509Certificate2(data, password, flags)
                    : new X509Certificate2(data, merchantId, flags);
            }
            catch (CryptographicException ex)
            {
                throw WrongPassword(password != null, merchantId, source, ex);
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
#endif

        private static PayscoreException WrongPassword(bool passwordGiven, string merchantId, string source, Exception? inner)
        {
            return new PayscoreException(
                ErrorIds.CertificatePasswordInvalid,
                passwordGiven
                    ? Messages.Format("Crypto.Pkcs12PasswordWrong", KeyFile.Capitalize(source))
                    : Messages.Format("Crypto.Pkcs12MerchantIdPasswordWrong", KeyFile.Capitalize(source), merchantId),
                inner);
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
