using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// Decodes RSA keys from their DER structures into <see cref="RSAParameters"/>.
    /// Done by hand with System.Formats.Asn1 because .NET Framework (Windows PowerShell 5.1)
    /// has no ImportPkcs8PrivateKey / ImportSubjectPublicKeyInfo.
    /// </summary>
    internal static class RsaKeyReader
    {
        public const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

        /// <summary>PKCS#8 PrivateKeyInfo (RFC 5208). Returns the algorithm OID when it is not RSA.</summary>
        public static RSAParameters ReadPkcs8PrivateKey(byte[] der, out string algorithmOid)
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER);
            AsnReader info = reader.ReadSequence();
            info.ReadInteger(); // version
            AsnReader algorithm = info.ReadSequence();
            algorithmOid = algorithm.ReadObjectIdentifier();
            if (algorithmOid != RsaEncryptionOid)
            {
                return default;
            }

            byte[] privateKey = info.ReadOctetString();
            return ReadPkcs1PrivateKey(privateKey);
        }

        /// <summary>PKCS#1 RSAPrivateKey (RFC 8017 A.1.2).</summary>
        public static RSAParameters ReadPkcs1PrivateKey(byte[] der)
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER);
            AsnReader key = reader.ReadSequence();
            key.ReadInteger(); // version
            byte[] modulus = ReadUnsigned(key);
            int half = (modulus.Length + 1) / 2;

            // CNG and CAPI reject parameters whose lengths are not exactly the modulus length
            // (or half of it), so every value is left-padded to its canonical size.
            return new RSAParameters
            {
                Modulus = modulus,
                Exponent = ReadUnsigned(key),
                D = PadLeft(ReadUnsigned(key), modulus.Length),
                P = PadLeft(ReadUnsigned(key), half),
                Q = PadLeft(ReadUnsigned(key), half),
                DP = PadLeft(ReadUnsigned(key), half),
                DQ = PadLeft(ReadUnsigned(key), half),
                InverseQ = PadLeft(ReadUnsigned(key), half),
            };
        }

        /// <summary>X.509 SubjectPublicKeyInfo (the "BEGIN PUBLIC KEY" form).</summary>
        public static RSAParameters ReadSubjectPublicKeyInfo(byte[] der, out string algorithmOid)
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER);
            AsnReader info = reader.ReadSequence();
            AsnReader algorithm = info.ReadSequence();
            algorithmOid = algorithm.ReadObjectIdentifier();
            if (algorithmOid != RsaEncryptionOid)
            {
                return default;
            }

            byte[] publicKey = info.ReadBitString(out _);
            var keyReader = new AsnReader(publicKey, AsnEncodingRules.BER).ReadSequence();
            return new RSAParameters
            {
                Modulus = ReadUnsigned(keyReader),
                Exponent = ReadUnsigned(keyReader),
            };
        }

        /// <summary>Creates an ephemeral RSA object: nothing is persisted to a key store or user profile.</summary>
        /// <summary>
        /// An in-memory RSA key. On .NET Framework <see cref="RSA.Create()"/> gives RSACryptoServiceProvider,
        /// whose key container needs a loaded user profile (services and scheduled tasks have none), so there
        /// an ephemeral RSACng is used instead.
        /// </summary>
        public static RSA CreateRsa(RSAParameters parameters)
        {
            RSA rsa = PlatformSupport.IsNetFramework ? PlatformSupport.CreateEphemeralRsaCng() ?? RSA.Create() : RSA.Create();
            try
            {
                rsa.ImportParameters(parameters);
                return rsa;
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
        }

        /// <summary>Zeroes the private values of <paramref name="parameters"/> once they have been imported.</summary>
        public static void Clear(RSAParameters parameters)
        {
            foreach (byte[]? value in new[] { parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ })
            {
                if (value != null)
                {
                    Array.Clear(value, 0, value.Length);
                }
            }
        }

        private static byte[] ReadUnsigned(AsnReader reader)
        {
            ReadOnlySpan<byte> value = reader.ReadIntegerBytes().Span;
            while (value.Length > 1 && value[0] == 0)
            {
                value = value.Slice(1);
            }

            return value.ToArray();
        }

        private static byte[] PadLeft(byte[] value, int length)
        {
            if (value.Length >= length)
            {
                return value;
            }

            var padded = new byte[length];
            Buffer.BlockCopy(value, 0, padded, length - value.Length, value.Length);
            return padded;
        }
    }
}
