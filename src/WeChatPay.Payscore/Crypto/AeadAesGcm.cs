using System;
using System.Security.Cryptography;
#if NETFRAMEWORK
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
#endif

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// AEAD_AES_256_GCM decryption, WeChat Pay's cipher for what it encrypts with the merchant's APIv3 key (platform
    /// certificates, callback resources): the ciphertext is followed by its 16-byte tag. The runtime's AesGcm on
    /// .NET; BouncyCastle's GCM on .NET Framework, which has none (and BouncyCastle, unlike CNG, also runs on Mono).
    /// </summary>
    internal static class AeadAesGcm
    {
        public const int KeySize = 32;

        public const int NonceSize = 12;

        public const int TagSize = 16;

        /// <summary>The plaintext; a <see cref="CryptographicException"/> when the tag does not verify (a wrong key or tampered data).</summary>
        public static byte[] Decrypt(byte[] key, byte[] nonce, byte[] associatedData, byte[] ciphertextAndTag)
        {
            if (key.Length != KeySize)
            {
                throw new CryptographicException(Messages.Format("Crypto.AesKeySize", KeySize, key.Length));
            }

            if (nonce.Length != NonceSize)
            {
                throw new CryptographicException(Messages.Format("Crypto.NonceSize", nonce.Length, NonceSize));
            }

            if (ciphertextAndTag.Length < TagSize)
            {
                throw new CryptographicException(Messages.Format("Crypto.CiphertextTooShort", ciphertextAndTag.Length, TagSize));
            }

            int length = ciphertextAndTag.Length - TagSize;
            var plaintext = new byte[length];
#if NETFRAMEWORK
            var cipher = new GcmBlockCipher(new AesEngine());
            cipher.Init(false, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, associatedData));
            var output = new byte[cipher.GetOutputSize(ciphertextAndTag.Length)];
            try
            {
                int written = cipher.ProcessBytes(ciphertextAndTag, 0, ciphertextAndTag.Length, output, 0);
                written += cipher.DoFinal(output, written);
                Buffer.BlockCopy(output, 0, plaintext, 0, written);
            }
            catch (InvalidCipherTextException)
            {
                throw new CryptographicException(Messages.Format("Crypto.TagMismatch"));
            }
            finally
            {
                Array.Clear(output, 0, output.Length);
            }
#else
            using var aes = new AesGcm(key, TagSize);
            try
            {
                aes.Decrypt(nonce, ciphertextAndTag.AsSpan(0, length), ciphertextAndTag.AsSpan(length), plaintext, associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new CryptographicException(Messages.Format("Crypto.TagMismatch"));
            }
#endif
            return plaintext;
        }
    }
}
