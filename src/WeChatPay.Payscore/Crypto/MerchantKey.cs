using System;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>The merchant's API private key, and its certificate when the key came with one (a PKCS#12 file).</summary>
    internal sealed class MerchantKey : IDisposable
    {
        private readonly IDisposable? _keepAlive;

        public MerchantKey(RSA privateKey, MerchantCertificate? certificate = null, IDisposable? keepAlive = null)
        {
            PrivateKey = privateKey;
            Certificate = certificate;
            _keepAlive = keepAlive;
        }

        public RSA PrivateKey { get; }

        public MerchantCertificate? Certificate { get; }

        public void Dispose()
        {
            PrivateKey.Dispose();
            _keepAlive?.Dispose();
        }
    }
}
