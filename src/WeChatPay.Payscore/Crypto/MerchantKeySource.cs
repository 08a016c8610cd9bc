using System;
using System.Security;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// Where the merchant's API private key comes from: a PEM file, PEM text (a SecureString or an environment
    /// variable) or a PKCS#12 file. The key is loaded once and kept, so that a session connection serves every
    /// later command even after the file is gone.
    /// </summary>
    internal abstract class MerchantKeySource : IDisposable
    {
        private readonly object _gate = new object();
        private MerchantKey? _loaded;
        private string? _loadedFor;

        protected MerchantKeySource(string description)
        {
            Description = description;
        }

        /// <summary>Says where the key is, for Get-WxPayscoreConnection and messages; never holds key material.</summary>
        public string Description { get; }

        /// <summary>True when the key comes with its certificate (a PKCS#12 file), which gives the serial number.</summary>
        public virtual bool CarriesCertificate => false;

        /// <summary>True when the merchant id takes part in loading (the default password of a PKCS#12 file).</summary>
        protected virtual bool DependsOnMerchantId => false;

        public static MerchantKeySource FromPemFile(string path, string origin) =>
            new PemFileSource(path, Messages.Format("Crypto.PemFileFrom", KeyFile.Quote(path), origin));

        public static MerchantKeySource FromPemText(SecureString pem, string origin) =>
            new PemTextSource(() => SecureText.Reveal(pem), Messages.Format("Crypto.PemTextFrom", origin));

        /// <summary>PEM text from an environment variable; literal <c>\n</c> sequences count as line breaks, as some automation variables store them.</summary>
        public static MerchantKeySource FromPemText(string pem, string origin) =>
            new PemTextSource(() => pem.Replace("\\n", "\n"), Messages.Format("Crypto.PemTextFrom", origin));

        public static MerchantKeySource FromPkcs12File(string path, SecureString? password, string origin) =>
            new Pkcs12FileSource(path, password, Messages.Format("Crypto.Pkcs12FileFrom", KeyFile.Quote(path), origin));

        public MerchantKey Load(string merchantId)
        {
            lock (_gate)
            {
                if (_loaded == null || (DependsOnMerchantId && _loadedFor != merchantId))
                {
                    // A key loaded for another merchant id may still sign for a running command; it is left to the
                    // finalizer rather than disposed under it.
                    _loaded = LoadCore(merchantId);
                    _loadedFor = merchantId;
                }

                return _loaded;
            }
        }

        protected abstract MerchantKey LoadCore(string merchantId);

        public void Dispose()
        {
            lock (_gate)
            {
                _loaded?.Dispose();
                _loaded = null;
            }
        }

        public override string ToString() => Description;

        private sealed class PemFileSource : MerchantKeySource
        {
            private readonly string _path;

            public PemFileSource(string path, string description)
                : base(description)
            {
                _path = path;
            }

            protected override MerchantKey LoadCore(string merchantId) =>
                new MerchantKey(MerchantPrivateKeyLoader.LoadFromFile(_path));
        }

        private sealed class PemTextSource : MerchantKeySource
        {
            private readonly Func<string> _readPem;

            public PemTextSource(Func<string> readPem, string description)
                : base(description)
            {
                _readPem = readPem;
            }

            protected override MerchantKey LoadCore(string merchantId) =>
                new MerchantKey(MerchantPrivateKeyLoader.LoadFromPem(_readPem(), Description));
        }

        private sealed class Pkcs12FileSource : MerchantKeySource
        {
            private readonly string _path;
            private readonly SecureString? _password;

            public Pkcs12FileSource(string path, SecureString? password, string description)
                : base(description)
            {
                _path = path;
                _password = password;
            }

            public override bool CarriesCertificate => true;

            protected override bool DependsOnMerchantId => _password == null;

            protected override MerchantKey LoadCore(string merchantId) =>
                MerchantPkcs12Loader.LoadFile(_path, _password, merchantId);
        }
    }
}
