using System;
using System.Security.Cryptography;
using System.Threading;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>The WeChat Pay public key and its id (<c>PUB_KEY_ID_...</c>), from a file or PEM text; loaded once.</summary>
    internal sealed class WechatpayPublicKeySource : IDisposable
    {
        private readonly Lazy<RSA> _key;

        private WechatpayPublicKeySource(string keyId, string description, Func<RSA> load)
        {
            KeyId = keyId;
            Description = description;
            _key = new Lazy<RSA>(load, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string KeyId { get; }

        public string Description { get; }

        public static WechatpayPublicKeySource FromFile(string keyId, string path, string origin) =>
            new WechatpayPublicKeySource(keyId, Messages.Format("Crypto.FileFrom", KeyFile.Quote(path), origin), () => WechatpayKeyLoader.LoadPublicKeyFile(path));

        /// <summary>Literal <c>\n</c> sequences count as line breaks, as some automation variables store them.</summary>
        public static WechatpayPublicKeySource FromPemText(string keyId, string pem, string origin) =>
            new WechatpayPublicKeySource(
                keyId,
                Messages.Format("Crypto.PemTextFrom", origin),
                () => WechatpayKeyLoader.LoadPublicKeyPem(pem.Replace("\\n", "\n"), Messages.Format("Crypto.PemTextOf", origin)));

        public RSA Load() => _key.Value;

        public void Dispose()
        {
            if (_key.IsValueCreated)
            {
                _key.Value.Dispose();
            }
        }
    }
}
