using System;
using System.Collections.Generic;
using System.Net;
using System.Security;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Platform;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// The merchant settings one place gives: a command's parameters, the session connection or the
    /// environment (<see cref="EnvironmentSettings"/>), each with where it came from, for the messages.
    /// <see cref="SettingsMerge"/> layers them (the first layer that gives a setting wins) and
    /// <see cref="CredentialResolver"/> checks them all and loads every key before the first request, so that
    /// a bad setting stops the run with a message that says what to fix. Paths are file-system paths.
    /// Settings that carry an origin are set only through the With* builders, which record it; the keys and
    /// certificates are also set whole, problem included, by <see cref="EnvironmentSettings"/> and <see cref="SettingsMerge"/>.
    /// </summary>
    internal sealed class ClientSettings
    {
        private Dictionary<string, string> _origins = new Dictionary<string, string>(StringComparer.Ordinal);

        public string? MerchantId { get; private set; }

        public string? MerchantSerialNumber { get; private set; }

        public MerchantKeySource? PrivateKey { get; internal set; }

        /// <summary>Raised when this layer's key settings contradict each other (two key forms at once).</summary>
        public PayscoreException? PrivateKeyProblem { get; internal set; }

        public MerchantCertificateSource? MerchantCertificate { get; internal set; }

        /// <summary>
        /// A PKCS#12 key source whose certificate names the merchant even when another key is used: a key given on
        /// a command over a connection made with apiclient_cert.p12 still signs as that certificate's serial.
        /// </summary>
        internal MerchantKeySource? CertificateCarrier { get; set; }

        public WechatpayPublicKeySource? WechatpayPublicKey { get; internal set; }

        /// <summary>Raised when this layer gives half of the WeChat Pay public key (an id without a key or the reverse).</summary>
        public PayscoreException? WechatpayPublicKeyProblem { get; internal set; }

        public IReadOnlyList<PlatformCertificateSource>? PlatformCertificates { get; internal set; }

        public string? BaseUri { get; private set; }

        /// <summary>Where requests go when the base URI cannot be reached; api2.mch.weixin.qq.com for the default base URI.</summary>
        public string? BackupBaseUri { get; private set; }

        /// <summary>The proxy's address as given; <see cref="AddressSettings.CheckProxy"/> reads it.</summary>
        public string? Proxy { get; private set; }

        public NetworkCredential? ProxyCredential { get; private set; }

        public TimeSpan? Timeout { get; private set; }

        /// <summary>The APIv3 key's text, checked by <see cref="CredentialResolver"/>; never shown.</summary>
        public SecureString? ApiV3Key { get; private set; }

        /// <summary>True when the layer names the merchant's certificate, from which the serial number follows.</summary>
        private bool HasCertificate => MerchantCertificate != null || OwnCertificateCarrier != null;

        /// <summary>The layer's PKCS#12 source: the one it was given, else its own key when that is a PKCS#12 file.</summary>
        internal MerchantKeySource? OwnCertificateCarrier => CertificateCarrier ?? (PrivateKey?.CarriesCertificate == true ? PrivateKey : null);

        /// <summary>True when the layer says who the merchant is: a serial number or a certificate.</summary>
        internal bool NamesMerchant => MerchantSerialNumber != null || HasCertificate;

        #region Building a layer

        public ClientSettings WithMerchantId(string? value, string origin) => Set(value, origin, nameof(MerchantId), v => MerchantId = v);

        public ClientSettings WithMerchantSerialNumber(string? value, string origin) =>
            Set(value, origin, nameof(MerchantSerialNumber), v => MerchantSerialNumber = v);

        public ClientSettings WithBaseUri(string? value, string origin) => Set(value, origin, nameof(BaseUri), v => BaseUri = v);

        public ClientSettings WithBackupBaseUri(string? value, string origin) => Set(value, origin, nameof(BackupBaseUri), v => BackupBaseUri = v);

        public ClientSettings WithApiV3Key(SecureString? value, string origin)
        {
            if (value != null && value.Length > 0)
            {
                ApiV3Key = value;
                _origins[nameof(ApiV3Key)] = origin;
            }

            return this;
        }

        public ClientSettings WithTimeout(TimeSpan? timeout)
        {
            Timeout = timeout;
            return this;
        }

        public ClientSettings WithProxy(string? proxy, NetworkCredential? credential)
        {
            Proxy = Strings.IsBlank(proxy) ? null : proxy;
            ProxyCredential = credential;
            return this;
        }

        /// <summary>At most one of the key forms may be given; <paramref name="names"/> are their names, for the message.</summary>
        public ClientSettings WithPrivateKey(IReadOnlyList<MerchantKeySource> given, string names)
        {
            if (given.Count > 1)
            {
                foreach (MerchantKeySource source in given)
                {
                    source.Dispose();
                }

                PrivateKeyProblem = new PayscoreException(
                    ErrorIds.PrivateKeyAmbiguous,
                    Messages.Format("Config.PrivateKeyAmbiguous", names, string.Join(", ", Describe(given))));
            }
            else if (given.Count == 1)
            {
                PrivateKey = given[0];
            }

            return this;
        }

        public ClientSettings WithMerchantCertificate(string? path, string origin)
        {
            if (!Strings.IsBlank(path))
            {
                MerchantCertificate = new MerchantCertificateSource(path, origin);
            }

            return this;
        }

        /// <param name="path">A public key file; <paramref name="pem"/> is its text instead (one of the two).</param>
        public ClientSettings WithWechatpayPublicKey(string? keyId, string idOrigin, string? path, string? pem, string keyOrigin)
        {
            bool hasKey = !Strings.IsBlank(path) || !Strings.IsBlank(pem);
            if (Strings.IsBlank(keyId))
            {
                if (hasKey)
                {
                    WechatpayPublicKeyProblem = new PayscoreException(
                        ErrorIds.WechatpayPublicKeyIdMissing,
                        Messages.Format("Config.PublicKeyIdMissing", keyOrigin, idOrigin));
                }
            }
            else if (!hasKey)
            {
                WechatpayPublicKeyProblem = new PayscoreException(
                    ErrorIds.WechatpayPublicKeyPathMissing,
                    Messages.Format("Config.PublicKeyMissing", idOrigin, keyOrigin));
            }
            else if (!WechatpayKeyStore.IsPublicKeyId(keyId))
            {
                WechatpayPublicKeyProblem = new PayscoreException(
                    ErrorIds.WechatpayPublicKeyIdInvalid,
                    Messages.Format("Config.PublicKeyIdInvalid", UserText.Excerpt(keyId), idOrigin, WechatpayKeyStore.PublicKeyIdPrefix));
            }
            else if (!Strings.IsBlank(pem))
            {
                WechatpayPublicKey = WechatpayPublicKeySource.FromPemText(keyId, pem, keyOrigin);
            }
            else if (!Strings.IsBlank(path))
            {
                WechatpayPublicKey = WechatpayPublicKeySource.FromFile(keyId, path, keyOrigin);
            }

            return this;
        }

        public ClientSettings WithPlatformCertificates(IEnumerable<string>? paths)
        {
            if (paths == null)
            {
                return this;
            }

            var sources = new List<PlatformCertificateSource>();
            foreach (string path in paths)
            {
                if (!Strings.IsBlank(path))
                {
                    sources.Add(new PlatformCertificateSource(path));
                }
            }

            PlatformCertificates = sources.Count > 0 ? sources : null;
            return this;
        }

        #endregion

        #region Origins

        /// <summary>The same settings, with every origin marked as coming through <c>Connect-WxPayscore</c>.</summary>
        public ClientSettings AsConnection()
        {
            var connection = (ClientSettings)MemberwiseClone();
            connection._origins = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> origin in _origins)
            {
                connection._origins[origin.Key] = Messages.Format("Config.OriginOfSessionConnection", origin.Value);
            }

            return connection;
        }

        public string Origin(string setting) => _origins.TryGetValue(setting, out string? origin) ? origin : "-" + setting;

        /// <summary>True when the layer gives the setting (and so its origin).</summary>
        internal bool Gives(string setting) => _origins.ContainsKey(setting);

        #endregion

        private ClientSettings Set(string? value, string origin, string setting, Action<string> assign)
        {
            if (!Strings.IsBlank(value))
            {
                assign(value);
                _origins[setting] = origin;
            }

            return this;
        }

        private static IEnumerable<string> Describe(IEnumerable<MerchantKeySource> sources)
        {
            foreach (MerchantKeySource source in sources)
            {
                yield return source.Description;
            }
        }
    }
}
