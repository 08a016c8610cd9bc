using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// A command that takes the merchant's settings, with the same names everywhere. A setting comes from the
    /// command's parameters, else the session connection (Connect-WxPayscore), else the environment (WXPAY_*).
    /// </summary>
    public abstract class WxPayscoreCredentialCommandBase : WxPayscoreCommandBase
    {
        private readonly List<IDisposable> _ownedSources = new List<IDisposable>();

        #region Parameters

        /// <summary>The merchant number (mchid).</summary>
        [Parameter]
        [Alias("mchid")]
        public string? MerchantId { get; set; }

        /// <summary>The serial of the merchant API certificate; read from the certificate when one is given.</summary>
        [Parameter]
        public string? MerchantSerialNumber { get; set; }

        /// <summary>apiclient_key.pem: PKCS#8 or PKCS#1 PEM, unencrypted. A wildcard pattern must match exactly one file.</summary>
        [Parameter]
        [SupportsWildcards]
        public string? PrivateKeyPath { get; set; }

        /// <summary>The PEM text of apiclient_key.pem, as a SecureString (Get-Secret returns one).</summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        /// <summary>apiclient_cert.p12 / .pfx: the merchant certificate with its private key. A wildcard pattern must match exactly one file.</summary>
        [Parameter]
        [Alias("Pkcs12Path")]
        [SupportsWildcards]
        public string? CertificatePath { get; set; }

        /// <summary>The password of -CertificatePath; the merchant id when omitted.</summary>
        [Parameter]
        public SecureString? CertificatePassword { get; set; }

        /// <summary>apiclient_cert.pem: gives the serial number and is checked against the key. A wildcard pattern must match exactly one file.</summary>
        [Parameter]
        [SupportsWildcards]
        public string? MerchantCertificatePath { get; set; }

        /// <summary>The id of the WeChat Pay public key (PUB_KEY_ID_...), shown next to it on the merchant platform.</summary>
        [Parameter]
        public string? WechatpayPublicKeyId { get; set; }

        /// <summary>The WeChat Pay public key file (pub_key.pem) answers are verified with. A wildcard pattern must match exactly one file.</summary>
        [Parameter]
        [SupportsWildcards]
        public string? WechatpayPublicKeyPath { get; set; }

        /// <summary>
        /// WeChat Pay platform certificate files; a wildcard pattern (./certs/wechatpay_*.pem) gives every file it
        /// matches, and must match at least one. With the public key as well during a migration.
        /// </summary>
        [Parameter]
        [SupportsWildcards]
        public string[]? PlatformCertificatePath { get; set; }

        /// <summary>
        /// The APIv3 key (32 characters, set on the merchant platform), as a SecureString: decrypts platform
        /// certificates and callback notifications.
        /// </summary>
        [Parameter]
        public SecureString? ApiV3Key { get; set; }

        /// <summary>
        /// https://api.mch.weixin.qq.com when omitted; scheme, host and port only (no user info, path or query), plain
        /// http to a loopback address only. Messages show it as scheme, host and port alone.
        /// </summary>
        // Text, not a Uri: PowerShell's own conversion error would quote the whole value, password included.
        [Parameter]
        public string? BaseUri { get; set; }

        /// <summary>
        /// An http:// or https:// proxy, scheme, host and port only (its user name and password go in -ProxyCredential);
        /// the system proxy is used when omitted.
        /// </summary>
        // Text, not a Uri, for the same reason as BaseUri.
        [Parameter]
        public string? Proxy { get; set; }

        /// <summary>The credential -Proxy (or the system proxy) asks for.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Seconds for each request, connecting and answering included; 30 when no setting gives it.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = DefaultTimeoutSec;

        #endregion

        internal const int DefaultTimeoutSec = 30;

        /// <summary>
        /// The settings of this command layered over the session connection (when <paramref name="useConnection"/>)
        /// and the environment.
        /// </summary>
        internal ClientSettings LayeredSettings(bool useConnection)
        {
            ClientSettings command = FromParameters();
            ClientSettings environment = EnvironmentSettings.Read(Environment.GetEnvironmentVariable);
            Own(environment);
            return SettingsMerge.Merge(command, useConnection ? ConnectionStore.Current?.Settings : null, environment);
        }

        /// <summary>Checks the settings and loads the keys, or stops the command with the configuration error.</summary>
        internal ResolvedCredentials ResolveOrStop(ClientSettings settings)
        {
            try
            {
                return CredentialResolver.Resolve(settings);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }
        }

        internal static TimeSpan TimeoutOf(ClientSettings settings) =>
            settings.Timeout ?? TimeSpan.FromSeconds(DefaultTimeoutSec);

        /// <summary>The sources this command loaded stay alive after it (a new session connection keeps them).</summary>
        internal void HandOverSources() => _ownedSources.Clear();

        public override void Dispose()
        {
            foreach (IDisposable source in _ownedSources)
            {
                source.Dispose();
            }

            _ownedSources.Clear();
            base.Dispose();
        }

        private ClientSettings FromParameters()
        {
            var keys = new List<MerchantKeySource>();
            if (!Strings.IsBlank(PrivateKeyPath))
            {
                keys.Add(MerchantKeySource.FromPemFile(ResolveFile(PrivateKeyPath, PathSetting.PrivateKeyPath), "-PrivateKeyPath"));
            }

            if (PrivateKey != null)
            {
                keys.Add(MerchantKeySource.FromPemText(PrivateKey, "-PrivateKey"));
            }

            if (!Strings.IsBlank(CertificatePath))
            {
                keys.Add(MerchantKeySource.FromPkcs12File(ResolveFile(CertificatePath, PathSetting.CertificatePath), CertificatePassword, "-CertificatePath"));
            }
            else if (CertificatePassword != null)
            {
                throw Stop(new PayscoreException(ErrorIds.CertificatePathMissing, Messages.Format("Command.CertificatePathMissing")));
            }

            var platformCertificates = new List<string>();
            foreach (string path in PlatformCertificatePath ?? Array.Empty<string>())
            {
                platformCertificates.AddRange(ResolveFiles(path, PathSetting.PlatformCertificatePath));
            }

            var layer = new ClientSettings()
                .WithMerchantId(MerchantId, "-MerchantId")
                .WithMerchantSerialNumber(MerchantSerialNumber, "-MerchantSerialNumber")
                .WithPrivateKey(keys, "-PrivateKeyPath, -PrivateKey, -CertificatePath")
                .WithMerchantCertificate(Strings.IsBlank(MerchantCertificatePath) ? null : ResolveFile(MerchantCertificatePath, PathSetting.MerchantCertificatePath), "-MerchantCertificatePath")
                .WithWechatpayPublicKey(
                    WechatpayPublicKeyId,
                    "-WechatpayPublicKeyId",
                    Strings.IsBlank(WechatpayPublicKeyPath) ? null : ResolveFile(WechatpayPublicKeyPath, PathSetting.WechatpayPublicKeyPath),
                    null,
                    "-WechatpayPublicKeyPath")
                .WithPlatformCertificates(platformCertificates)
                .WithApiV3Key(ApiV3Key, "-ApiV3Key")
                .WithBaseUri(BaseUri, "-BaseUri")
                .WithProxy(Proxy, ProxyCredential?.GetNetworkCredential())
                .WithTimeout(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null);
            AddCommandSettings(layer);
            Own(layer);
            return layer;
        }

        /// <summary>Settings only some commands take, added to the command's own layer.</summary>
        internal virtual void AddCommandSettings(ClientSettings layer)
        {
        }

        private void Own(ClientSettings layer)
        {
            if (layer.PrivateKey != null)
            {
                _ownedSources.Add(layer.PrivateKey);
            }

            if (layer.WechatpayPublicKey != null)
            {
                _ownedSources.Add(layer.WechatpayPublicKey);
            }

            foreach (PlatformCertificateSource source in layer.PlatformCertificates ?? Array.Empty<PlatformCertificateSource>())
            {
                _ownedSources.Add(source);
            }
        }

    }
}
