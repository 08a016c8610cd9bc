using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The WeChat Pay keys answers may be signed with, keyed by the <c>Wechatpay-Serial</c> they come with:
    /// a public key id (<c>PUB_KEY_ID_...</c>) or a platform certificate serial. Both kinds can be held at
    /// once, as during a migration from platform certificates to the public key. The keys belong to the
    /// sources they were loaded from; the store only looks them up.
    /// </summary>
    internal sealed class WechatpayKeyStore
    {
        private readonly Dictionary<string, RSA> _keys = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The public key id, when a WeChat Pay public key is configured; sent as <c>Wechatpay-Serial</c>.</summary>
        public string? PublicKeyId { get; private set; }

        public int Count => _keys.Count;

        public IEnumerable<string> Serials => _keys.Keys;

        public void AddPublicKey(string publicKeyId, RSA key)
        {
            _keys[publicKeyId] = key;
            PublicKeyId = publicKeyId;
        }

        public void AddPlatformCertificate(string serialNumber, RSA key) => _keys[serialNumber] = key;

        public bool TryGet(string serial, [NotNullWhen(true)] out RSA? key) => _keys.TryGetValue(serial, out key);
    }
}
