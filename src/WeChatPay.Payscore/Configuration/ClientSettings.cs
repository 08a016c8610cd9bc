using System;
using System.Collections.Generic;
using System.Net;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// The merchant settings one place gives: a command's parameters, the session connection or the
    /// environment. <see cref="Merge"/> layers them (the first layer that gives a setting wins) and
    /// <see cref="Resolve"/> checks them all and loads every key before the first request, so that a bad
    /// setting stops the run with a message that says what to fix. Paths are file-system paths.
    /// </summary>
    internal sealed class ClientSettings
    {
        public const string PublicKeyIdPrefix = "PUB_KEY_ID_";

        private Dictionary<string, string> _origins = new Dictionary<string, string>(StringComparer.Ordinal);

        public string? MerchantId { get; private set; }

        public string? MerchantSerialNumber { get; private set; }

        public MerchantKeySource? PrivateKey { get; private set; }

        /// <summary>Raised when this layer's key settings contradict each other (two key forms at once).</summary>
        public PayscoreConfigurationException? PrivateKeyProblem { get; private set; }

        public MerchantCertificateSource? MerchantCertificate { get; private set; }

        /// <summary>
        /// A PKCS#12 key source whose certificate names the merchant even when another key is used: a key given on
        /// a command over a connection made with apiclient_cert.p12 still signs as that certificate's serial.
        /// </summary>
        private MerchantKeySource? CertificateCarrier { get; set; }

        public WechatpayPublicKeySource? WechatpayPublicKey { get; private set; }

        /// <summary>Raised when this layer gives half of the WeChat Pay public key (an id without a key or the reverse).</summary>
        public PayscoreConfigurationException? WechatpayPublicKeyProblem { get; private set; }

        public IReadOnlyList<PlatformCertificateSource>? PlatformCertificates { get; private set; }

        public string? BaseUri { get; private set; }

        /// <summary>Where requests go when the base URI cannot be reached; api2.mch.weixin.qq.com for the default base URI.</summary>
        public string? BackupBaseUri { get; private set; }

        public Uri? Proxy { get; private set; }

        public NetworkCredential? ProxyCredential { get; private set; }

        public TimeSpan? Timeout { get; private set; }

        /// <summary>True when the layer names the merchant's certificate, from which the serial number follows.</summary>
        private bool HasCertificate => MerchantCertificate != null || OwnCertificateCarrier != null;

        /// <summary>The layer's PKCS#12 source: the one it was given, else its own key when that is a PKCS#12 file.</summary>
        private MerchantKeySource? OwnCertificateCarrier => CertificateCarrier ?? (PrivateKey?.CarriesCertificate == true ? PrivateKey : null);

        /// <summary>True when the layer says who the merchant is: a serial number or a certificate.</summary>
        private bool NamesMerchant => MerchantSerialNumber != null || HasCertificate;

        #region Building a layer

        public ClientSettings WithMerchantId(string? value, string origin) => Set(value, origin, nameof(MerchantId), v => MerchantId = v);

        public ClientSettings WithMerchantSerialNumber(string? value, string origin) =>
            Set(value, origin, nameof(MerchantSerialNumber), v => MerchantSerialNumber = v);

        public ClientSettings WithBaseUri(string? value, string origin) => Set(value, origin, nameof(BaseUri), v => BaseUri = v);

        public ClientSettings WithBackupBaseUri(string? value, string origin) => Set(value, origin, nameof(BackupBaseUri), v => BackupBaseUri = v);

        public ClientSettings WithTimeout(TimeSpan? timeout)
        {
            Timeout = timeout;
            return this;
        }

        public ClientSettings WithProxy(Uri? proxy, NetworkCredential? credential)
        {
            Proxy = proxy;
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

                PrivateKeyProblem = new PayscoreConfigurationException(
                    ErrorIds.PrivateKeyAmbiguous,
                    $"More than one merchant private key was given ({names}). Give one: {string.Join(", ", Describe(given))}.");
            }
            else if (given.Count == 1)
            {
                PrivateKey = given[0];
            }

            return this;
        }

        public ClientSettings WithMerchantCertificate(string? path, string origin)
        {
            if (!string.IsNullOrWhiteSpace(path))
            {
                MerchantCertificate = new MerchantCertificateSource(path!, origin);
            }

            return this;
        }

        /// <param name="path">A public key file; <paramref name="pem"/> is its text instead (one of the two).</param>
        public ClientSettings WithWechatpayPublicKey(string? keyId, string idOrigin, string? path, string? pem, string keyOrigin)
        {
            bool hasId = !string.IsNullOrWhiteSpace(keyId);
            bool hasKey = !string.IsNullOrWhiteSpace(path) || !string.IsNullOrWhiteSpace(pem);
            if (hasKey && !hasId)
            {
                WechatpayPublicKeyProblem = new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyIdMissing,
                    $"{keyOrigin} needs {idOrigin}: the public key id (PUB_KEY_ID_...) shown next to the key on the merchant platform.");
            }
            else if (hasId && !hasKey)
            {
                WechatpayPublicKeyProblem = new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyPathMissing,
                    $"{idOrigin} needs {keyOrigin}: the WeChat Pay public key (pub_key.pem).");
            }
            else if (hasId && !keyId!.StartsWith(PublicKeyIdPrefix, StringComparison.Ordinal))
            {
                WechatpayPublicKeyProblem = new PayscoreConfigurationException(
                    ErrorIds.WechatpayPublicKeyIdInvalid,
                    $"The WeChat Pay public key id '{UserText.Excerpt(keyId)}' ({idOrigin}) does not start with {PublicKeyIdPrefix}.");
            }
            else if (hasId)
            {
                WechatpayPublicKey = !string.IsNullOrWhiteSpace(pem)
                    ? WechatpayPublicKeySource.FromPemText(keyId!, pem!, keyOrigin)
                    : WechatpayPublicKeySource.FromFile(keyId!, path!, keyOrigin);
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
                if (!string.IsNullOrWhiteSpace(path))
                {
                    sources.Add(new PlatformCertificateSource(path));
                }
            }

            PlatformCertificates = sources.Count > 0 ? sources : null;
            return this;
        }

        /// <summary>The settings runbooks give through environment variables (see the README for the list).</summary>
        public static ClientSettings FromEnvironment(Func<string, string?> variable)
        {
            var layer = new ClientSettings()
                .WithMerchantId(variable(EnvironmentVariables.MerchantId), EnvironmentVariables.MerchantId)
                .WithMerchantSerialNumber(variable(EnvironmentVariables.MerchantSerialNumber), EnvironmentVariables.MerchantSerialNumber)
                .WithBaseUri(variable(EnvironmentVariables.BaseUri), EnvironmentVariables.BaseUri);

            // The key's text wins over its path when a runbook sets both: the text is what the runbook itself holds.
            string? keyPem = variable(EnvironmentVariables.PrivateKey);
            string? keyPath = variable(EnvironmentVariables.PrivateKeyPath);
            if (!string.IsNullOrWhiteSpace(keyPem))
            {
                layer.PrivateKey = MerchantKeySource.FromPemText(keyPem!, EnvironmentVariables.PrivateKey);
            }
            else if (!string.IsNullOrWhiteSpace(keyPath))
            {
                // Like every problem of a lower layer, key text in a path variable stops only when the key is used.
                layer.PrivateKeyProblem = PathSetting.PrivateKeyPathVariable.KeyMaterialProblem(keyPath);
                layer.PrivateKey = layer.PrivateKeyProblem == null ? MerchantKeySource.FromPemFile(keyPath!, EnvironmentVariables.PrivateKeyPath) : null;
            }

            string? publicKeyPem = variable(EnvironmentVariables.PublicKey);
            bool hasPublicPem = !string.IsNullOrWhiteSpace(publicKeyPem);
            string? publicKeyPath = hasPublicPem ? null : variable(EnvironmentVariables.PublicKeyPath);
            PayscoreConfigurationException? publicKeyPathProblem = PathSetting.PublicKeyPathVariable.KeyMaterialProblem(publicKeyPath);
            if (publicKeyPathProblem != null)
            {
                layer.WechatpayPublicKeyProblem = publicKeyPathProblem;
                return layer;
            }

            return layer.WithWechatpayPublicKey(
                variable(EnvironmentVariables.PublicKeyId),
                EnvironmentVariables.PublicKeyId,
                publicKeyPath,
                publicKeyPem,
                hasPublicPem ? EnvironmentVariables.PublicKey : EnvironmentVariables.PublicKeyPath);
        }

        #endregion

        #region Layering

        /// <summary>
        /// One setting from each group, taken from the first layer that gives it. The merchant's identity (serial
        /// number, certificate file, PKCS#12 certificate) is one group: a certificate given on top brings its serial
        /// with it instead of being checked against a lower layer's serial.
        /// </summary>
        public static ClientSettings Merge(params ClientSettings?[] highestFirst)
        {
            var merged = new ClientSettings();
            foreach (ClientSettings? layer in highestFirst)
            {
                if (layer == null)
                {
                    continue;
                }

                merged.Take(layer, nameof(MerchantId), layer.MerchantId, v => merged.MerchantId = v);
                merged.Take(layer, nameof(BaseUri), layer.BaseUri, v => merged.BaseUri = v);
                merged.Take(layer, nameof(BackupBaseUri), layer.BackupBaseUri, v => merged.BackupBaseUri = v);

                // A group is decided once the merged settings hold any part of it. The merchant's identity is taken
                // before the key of the same layer, so a PKCS#12 key already merged can only come from a layer that
                // decided the identity itself.
                if (!merged.NamesMerchant && layer.NamesMerchant)
                {
                    merged.Take(layer, nameof(MerchantSerialNumber), layer.MerchantSerialNumber, v => merged.MerchantSerialNumber = v);
                    merged.MerchantCertificate = layer.MerchantCertificate;
                    merged.CertificateCarrier = layer.OwnCertificateCarrier;
                }

                if (merged.PrivateKey == null && merged.PrivateKeyProblem == null)
                {
                    merged.PrivateKey = layer.PrivateKey;
                    merged.PrivateKeyProblem = layer.PrivateKeyProblem;
                }

                if (merged.WechatpayPublicKey == null && merged.WechatpayPublicKeyProblem == null)
                {
                    merged.WechatpayPublicKey = layer.WechatpayPublicKey;
                    merged.WechatpayPublicKeyProblem = layer.WechatpayPublicKeyProblem;
                }

                merged.PlatformCertificates ??= layer.PlatformCertificates;
                merged.Timeout ??= layer.Timeout;
                if (merged.Proxy == null && merged.ProxyCredential == null)
                {
                    merged.Proxy = layer.Proxy;
                    merged.ProxyCredential = layer.ProxyCredential;
                }
            }

            return merged;
        }

        /// <summary>The same settings, with every origin marked as coming through <c>Connect-WxPayscore</c>.</summary>
        public ClientSettings AsConnection()
        {
            var connection = (ClientSettings)MemberwiseClone();
            connection._origins = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> origin in _origins)
            {
                connection._origins[origin.Key] = $"{origin.Value} of the session connection";
            }

            return connection;
        }

        public string Origin(string setting) => _origins.TryGetValue(setting, out string? origin) ? origin : "-" + setting;

        #endregion

        #region Checking and loading

        /// <summary>Checks every setting and loads every key; throws <see cref="PayscoreConfigurationException"/> with what to fix.</summary>
        public ResolvedCredentials Resolve()
        {
            string merchantId = RequireMerchantId();
            string? explicitSerial = CheckSerialNumber();
            Uri baseUri = CheckBaseUri(BaseUri, nameof(BaseUri)) ?? WechatpayClientOptions.DefaultBaseUri;
            Uri? backupBaseUri = CheckBaseUri(BackupBaseUri, nameof(BackupBaseUri)) ?? HostSelector.DefaultBackupFor(baseUri);
            CheckProxy();

            if (PrivateKeyProblem != null)
            {
                throw PrivateKeyProblem;
            }

            if (PrivateKey == null)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.PrivateKeyMissing,
                    $"No merchant private key. Give -PrivateKeyPath (apiclient_key.pem), -PrivateKey (its PEM text as a SecureString) or -CertificatePath (apiclient_cert.p12), on the command or to Connect-WxPayscore, or set {EnvironmentVariables.PrivateKey} or {EnvironmentVariables.PrivateKeyPath}.");
            }

            MerchantKey key = PrivateKey.Load(merchantId);
            MerchantKeySource? carrier = OwnCertificateCarrier;
            MerchantCertificate? pkcs12Certificate = carrier?.Load(merchantId).Certificate;
            string serial = CheckCertificate(key, pkcs12Certificate, carrier, explicitSerial);
            WechatpayKeyStore keys = LoadWechatpayKeys();
            return new ResolvedCredentials(
                merchantId,
                serial,
                key,
                MerchantCertificate?.Load() ?? pkcs12Certificate,
                keys,
                baseUri,
                backupBaseUri,
                Proxy,
                ProxyCredential);
        }

        private string RequireMerchantId()
        {
            if (string.IsNullOrWhiteSpace(MerchantId))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantIdMissing,
                    $"No merchant id. Give -MerchantId (on the command or to Connect-WxPayscore) or set {EnvironmentVariables.MerchantId}: the merchant number (mchid) shown on the WeChat Pay merchant platform.");
            }

            string merchantId = MerchantId!.Trim();
            foreach (char c in merchantId)
            {
                if (c < '0' || c > '9')
                {
                    throw new PayscoreConfigurationException(
                        ErrorIds.MerchantIdInvalid,
                        $"The merchant id '{UserText.Excerpt(MerchantId)}' ({Origin(nameof(MerchantId))}) is not a merchant number: a mchid has digits only.");
                }
            }

            return merchantId;
        }

        /// <summary>The explicit serial in WeChat Pay's form (uppercase hex), or null when none is given.</summary>
        private string? CheckSerialNumber()
        {
            if (string.IsNullOrWhiteSpace(MerchantSerialNumber))
            {
                return null;
            }

            string serial = MerchantSerialNumber!.Trim();
            bool hex = serial.Length <= 64;
            foreach (char c in serial)
            {
                hex &= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
            }

            if (!hex)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberInvalid,
                    $"The merchant serial number '{UserText.Excerpt(serial)}' ({Origin(nameof(MerchantSerialNumber))}) is not hexadecimal. Give the serial of apiclient_cert.pem, e.g. 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C.");
            }

            return serial.ToUpperInvariant();
        }

        /// <summary>The serial to sign with: the explicit one, or the certificate's; they must agree, and the key must fit the certificate.</summary>
        private string CheckCertificate(MerchantKey key, MerchantCertificate? fromPkcs12, MerchantKeySource? carrier, string? explicitSerial)
        {
            MerchantCertificate? fromFile = MerchantCertificate?.Load();
            if (fromFile != null && fromPkcs12 != null && fromFile.SerialNumber != fromPkcs12.SerialNumber)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberMismatch,
                    $"The merchant certificate {MerchantCertificate!.Description} has serial {fromFile.SerialNumber}, but the certificate in {carrier!.Description} has serial {fromPkcs12.SerialNumber}. Give the certificate that belongs to the key.");
            }

            MerchantCertificate? certificate = fromFile ?? fromPkcs12;
            string certificateSource = fromFile != null ? MerchantCertificate!.Description : carrier?.Description ?? string.Empty;
            if (certificate == null)
            {
                return explicitSerial ?? throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberMissing,
                    $"No merchant certificate serial number. Give -MerchantSerialNumber (openssl x509 -in apiclient_cert.pem -noout -serial prints it), or -MerchantCertificatePath apiclient_cert.pem to read it from, or set {EnvironmentVariables.MerchantSerialNumber}.");
            }

            if (explicitSerial != null && explicitSerial != certificate.SerialNumber)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.MerchantSerialNumberMismatch,
                    $"The merchant serial number {explicitSerial} ({Origin(nameof(MerchantSerialNumber))}) is not the serial of the merchant certificate {certificateSource}, which is {certificate.SerialNumber}. Leave the serial number out to use the certificate's, or give the certificate that matches it.");
            }

            if (!certificate.Matches(key.PrivateKey))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.PrivateKeyCertificateMismatch,
                    $"The merchant private key ({PrivateKey!.Description}) does not belong to the merchant certificate {certificateSource} (serial {certificate.SerialNumber}). WeChat Pay would refuse every request with SIGN_ERROR; give the apiclient_key.pem and apiclient_cert.pem issued together.");
            }

            return certificate.SerialNumber;
        }

        private WechatpayKeyStore LoadWechatpayKeys()
        {
            if (WechatpayPublicKeyProblem != null)
            {
                throw WechatpayPublicKeyProblem;
            }

            var keys = new WechatpayKeyStore();
            if (WechatpayPublicKey != null)
            {
                keys.AddPublicKey(WechatpayPublicKey.KeyId, WechatpayPublicKey.Load());
            }

            foreach (PlatformCertificateSource source in PlatformCertificates ?? Array.Empty<PlatformCertificateSource>())
            {
                foreach (KeyValuePair<string, System.Security.Cryptography.RSA> certificate in source.Load())
                {
                    keys.AddPlatformCertificate(certificate.Key, certificate.Value);
                }
            }

            if (keys.Count == 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.WechatpayKeyMissing,
                    $"No WeChat Pay key to verify answers with. Give -WechatpayPublicKeyId and -WechatpayPublicKeyPath (the WeChat Pay public key; or set {EnvironmentVariables.PublicKeyId} and {EnvironmentVariables.PublicKey} or {EnvironmentVariables.PublicKeyPath}), or -PlatformCertificatePath (platform certificates), or both during a migration.");
            }

            return keys;
        }

        /// <summary>HTTPS only, except plain HTTP to this machine (a local simulator or a debugging proxy).</summary>
        private Uri? CheckBaseUri(string? text, string setting)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            string origin = Origin(setting);
            if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out Uri? baseUri)
                || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"The base URI '{UserText.Excerpt(text)}' ({origin}) is not an https:// address. Use https://api.mch.weixin.qq.com.");
            }

            if (baseUri.AbsolutePath != "/" || baseUri.Query.Length > 0 || baseUri.UserInfo.Length > 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInvalid,
                    $"The base URI '{UserText.Excerpt(baseUri.GetLeftPart(UriPartial.Authority) + baseUri.AbsolutePath)}' ({origin}) has a path or user info; give only scheme, host and port (the signature covers the path WeChat Pay receives).");
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUri))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.BaseUriInsecure,
                    $"The base URI '{UserText.Excerpt(baseUri.ToString())}' ({origin}) is plain http to another machine; WeChat Pay is reached over https only. Plain http is allowed to loopback addresses alone.");
            }

            return baseUri;
        }

        private void CheckProxy()
        {
            if (Proxy == null)
            {
                return;
            }

            if (!Proxy.IsAbsoluteUri || (Proxy.Scheme != Uri.UriSchemeHttp && Proxy.Scheme != Uri.UriSchemeHttps))
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.ProxyInvalid,
                    $"-Proxy '{(Proxy.IsAbsoluteUri ? UserText.Excerpt(Proxy.GetLeftPart(UriPartial.Authority)) : "(relative)")}' is not an http:// or https:// proxy address, e.g. http://proxy.corp.example:8080.");
            }

            if (Proxy.UserInfo.Length > 0)
            {
                throw new PayscoreConfigurationException(
                    ErrorIds.ProxyInvalid,
                    "-Proxy holds a user name or password; give them with -ProxyCredential instead, so that they are not shown with the address.");
            }
        }

        private static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address);
        }

        #endregion

        private ClientSettings Set(string? value, string origin, string setting, Action<string> assign)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                assign(value!);
                _origins[setting] = origin;
            }

            return this;
        }

        private void Take(ClientSettings layer, string setting, string? value, Action<string> assign)
        {
            if (value != null && !_origins.ContainsKey(setting))
            {
                assign(value);
                _origins[setting] = layer.Origin(setting);
            }
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
