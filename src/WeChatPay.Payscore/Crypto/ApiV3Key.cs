using System;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// The merchant's APIv3 key: the 32 characters the merchant set under API security on the merchant platform.
    /// WeChat Pay encrypts platform certificates and callback resources with it (AEAD_AES_256_GCM). Its text is
    /// never kept, shown or put in a message; only its bytes, for decryption.
    /// </summary>
    internal sealed class ApiV3Key
    {
        private readonly byte[] _key;

        private ApiV3Key(byte[] key) => _key = key;

        /// <summary>The key, or a <see cref="PayscoreException"/> that says its length (never its text) and what to give.</summary>
        public static ApiV3Key From(SecureString secret, string origin)
        {
            byte[] key = Encoding.UTF8.GetBytes(SecureText.Reveal(secret));
            if (key.Length != AeadAesGcm.KeySize)
            {
                Array.Clear(key, 0, key.Length);
                throw new PayscoreException(
                    ErrorIds.ApiV3KeyInvalid,
                    Messages.Format("Crypto.ApiV3KeyLength", origin, key.Length, AeadAesGcm.KeySize));
            }

            return new ApiV3Key(key);
        }

        /// <summary>
        /// Decrypts one of WeChat Pay's encrypted fields: <paramref name="nonce"/> and <paramref name="associatedData"/>
        /// as given, <paramref name="ciphertext"/> in Base64. A <see cref="CryptographicException"/> when it is not
        /// Base64 or does not verify (a wrong APIv3 key, or data changed on the way).
        /// </summary>
        public byte[] Decrypt(string nonce, string associatedData, string ciphertext)
        {
            byte[] data;
            try
            {
                data = Convert.FromBase64String(ciphertext);
            }
            catch (FormatException)
            {
                throw new CryptographicException(Messages.Format("Crypto.CiphertextNotBase64"));
            }

            return AeadAesGcm.Decrypt(_key, Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(associatedData), data);
        }

        /// <summary><see cref="Decrypt"/> of a field whose plaintext is UTF-8 text (a certificate's PEM, a notification's JSON).</summary>
        public string DecryptText(string nonce, string associatedData, string ciphertext) =>
            Encoding.UTF8.GetString(Decrypt(nonce, associatedData, ciphertext));

        public override string ToString() => "APIv3 key";
    }
}
