using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>A WeChat Pay platform certificate file (one or more certificates), loaded once.</summary>
    internal sealed class PlatformCertificateSource : IDisposable
    {
        private readonly Lazy<IReadOnlyList<KeyValuePair<string, RSA>>> _keys;

        public PlatformCertificateSource(string path)
        {
            Path = path;
            _keys = new Lazy<IReadOnlyList<KeyValuePair<string, RSA>>>(
                () => WechatpayKeyLoader.LoadPlatformCertificateFile(path),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string Path { get; }

        /// <summary>Each certificate's key by its serial number (uppercase hex).</summary>
        public IReadOnlyList<KeyValuePair<string, RSA>> Load() => _keys.Value;

        public void Dispose()
        {
            if (_keys.IsValueCreated)
            {
                foreach (KeyValuePair<string, RSA> key in _keys.Value)
                {
                    key.Value.Dispose();
                }
            }
        }
    }
}
