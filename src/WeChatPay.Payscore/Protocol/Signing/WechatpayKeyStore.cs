using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The WeChat Pay keys answers may be signed with, keyed by the <c>Wechatpay-Serial</c> they come with:
    /// a public key id (<c>PUB_KEY_ID_...</c>) or a platform certificate serial. Both kinds can be held at
    /// once, as during a migration from platform certificates to the public key. The keys belong to the
    /// sources they were loaded from (or the download that fetched them); the store only looks them up.
    /// </summary>
    /// <remarks>
    /// Rows read it concurrently while a certificate download may add to it: every change publishes a new
    /// dictionary that is never changed again, so a reader never locks and never sees one half-written.
    /// </remarks>
    internal sealed class WechatpayKeyStore
    {
        /// <summary>How every WeChat Pay public key id begins; a platform certificate's serial never does.</summary>
        public const string PublicKeyIdPrefix = "PUB_KEY_ID_";

        private readonly object _writeGate = new object();
        private Dictionary<string, RSA> _keys = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);
        private string[] _platformSerials = Array.Empty<string>();
        private string? _publicKeyId;

        /// <summary>The public key id, when a WeChat Pay public key is configured; sent as <c>Wechatpay-Serial</c>.</summary>
        public string? PublicKeyId => Volatile.Read(ref _publicKeyId);

        public int Count => Volatile.Read(ref _keys).Count;

        /// <summary>Whether a serial (an answer's Wechatpay-Serial, a key's id) names a WeChat Pay public key rather than a platform certificate.</summary>
        public static bool IsPublicKeyId(string? serial) => serial != null && serial.StartsWith(PublicKeyIdPrefix, StringComparison.Ordinal);

        /// <summary>Every serial, a snapshot.</summary>
        public IEnumerable<string> Serials => Volatile.Read(ref _keys).Keys.ToArray();

        /// <summary>The platform certificate serials, in the order they were added (a snapshot).</summary>
        public IReadOnlyList<string> PlatformSerials => Volatile.Read(ref _platformSerials);

        public void AddPublicKey(string publicKeyId, RSA key)
        {
            lock (_writeGate)
            {
                Publish(publicKeyId, key);
                Volatile.Write(ref _publicKeyId, publicKeyId);
            }
        }

        public void AddPlatformCertificate(string serialNumber, RSA key)
        {
            lock (_writeGate)
            {
                if (!Volatile.Read(ref _keys).ContainsKey(serialNumber))
                {
                    Volatile.Write(ref _platformSerials, _platformSerials.Concat(new[] { serialNumber }).ToArray());
                }

                Publish(serialNumber, key);
            }
        }

        public bool Contains(string serial) => Volatile.Read(ref _keys).ContainsKey(serial);

        public bool TryGet(string serial, [NotNullWhen(true)] out RSA? key) => Volatile.Read(ref _keys).TryGetValue(serial, out key);

        private void Publish(string serial, RSA key)
        {
            var next = new Dictionary<string, RSA>(_keys, StringComparer.OrdinalIgnoreCase) { [serial] = key };
            Volatile.Write(ref _keys, next);
        }
    }
}
