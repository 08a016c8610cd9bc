using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Platform;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// Checks merged settings and loads every key they name, before the first request: a bad setting throws
    /// <see cref="PayscoreException"/> with what to fix and where the setting came from.
    /// </summary>
    internal sealed class CredentialResolver
    {
        private readonly ClientSettings _settings;

        private CredentialResolver(ClientSettings settings) => _settings = settings;

        /// <summary>Checks every setting and loads every key; throws <see cref="PayscoreException"/> with what to fix.</summary>
        public static ResolvedCredentials Resolve(ClientSettings settings) => new CredentialResolver(settings).CheckAndLoad();

        /// <summary>
        /// Checks and loads only what verifying and decrypting WeChat Pay's notifications takes: the WeChat Pay keys and the
        /// APIv3 key, which is required; the merchant id when one is given, to refuse notifications for another merchant;
        /// no private key. Throws <see cref="PayscoreException"/> with what to fix.
        /// </summary>
        public static VerificationCredentials ResolveVerification(ClientSettings settings)
        {
            var resolver = new CredentialResolver(settings);
            string? merchantId = Strings.IsBlank(settings.MerchantId) ? null : resolver.CheckMerchantId(settings.MerchantId);
            ApiV3Key apiV3Key = RequireApiV3Key(settings, Messages.Format("Config.NotificationResourceEncrypted"));
            CheckAddresses(settings);
            return new VerificationCredentials(
                resolver.LoadWechatpayKeys(sendsRequests: false, hasApiV3Key: true),
                apiV3Key,
                merchantId,
                merchantId == null ? null : settings.Origin(nameof(ClientSettings.MerchantId)));
        }

        /// <summary>
        /// The APIv3 key of a command that cannot do without it, checked; <paramref name="encrypted"/> says what WeChat
        /// Pay encrypts with it, for the message when it is missing.
        /// </summary>
        public static ApiV3Key RequireApiV3Key(ClientSettings settings, string encrypted)
        {
            if (settings.ApiV3Key == null)
            {
                throw new PayscoreException(
                    ErrorIds.ApiV3KeyMissing,
                    Messages.Format("Config.ApiV3KeyMissing", encrypted));
            }

            return ApiV3Key.From(settings.ApiV3Key, settings.Origin(nameof(ClientSettings.ApiV3Key)));
        }

        private ResolvedCredentials CheckAndLoad()
        {
            string merchantId = RequireMerchantId();
            string? explicitSerial = CheckSerialNumber();
            (Uri baseUri, Uri? backupBaseUri, Uri? proxy) = CheckAddresses(_settings);
            ApiV3Key? apiV3Key = _settings.ApiV3Key == null ? null : ApiV3Key.From(_settings.ApiV3Key, _settings.Origin(nameof(ClientSettings.ApiV3Key)));

            if (_settings.PrivateKeyProblem != null)
            {
                throw _settings.PrivateKeyProblem;
            }

            if (_settings.PrivateKey == null)
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyMissing,
                    Messages.Format("Config.PrivateKeyMissing"));
            }

            MerchantKey key = _settings.PrivateKey.Load(merchantId);
            MerchantKeySource? carrier = _settings.OwnCertificateCarrier;
            MerchantCertificate? pkcs12Certificate = carrier?.Load(merchantId).Certificate;
            string serial = CheckCertificate(key, _settings.PrivateKey.Description, pkcs12Certificate, carrier, explicitSerial);
            WechatpayKeyStore keys = LoadWechatpayKeys(sendsRequests: true, hasApiV3Key: apiV3Key != null);
            return new ResolvedCredentials(
                merchantId,
                serial,
                key,
                _settings.PrivateKey.Description,
                _settings.MerchantCertificate?.Load() ?? pkcs12Certificate,
                keys,
                baseUri,
                backupBaseUri,
                proxy,
                _settings.ProxyCredential,
                apiV3Key);
        }

        /// <summary>
        /// The base URI (WeChat Pay's when none is given), the backup host and the proxy, checked. A command that sends
        /// nothing checks them too: an address that holds a password is refused everywhere, before anything else can
        /// show it.
        /// </summary>
        private static (Uri BaseUri, Uri? BackupBaseUri, Uri? Proxy) CheckAddresses(ClientSettings settings)
        {
            Uri baseUri = AddressSettings.CheckBaseUri(settings.BaseUri, settings.Origin(nameof(ClientSettings.BaseUri))) ?? WechatpayClientOptions.DefaultBaseUri;
            Uri? backupBaseUri = AddressSettings.CheckBaseUri(settings.BackupBaseUri, settings.Origin(nameof(ClientSettings.BackupBaseUri))) ?? HostSelector.DefaultBackupFor(baseUri);
            return (baseUri, backupBaseUri, AddressSettings.CheckProxy(settings.Proxy));
        }

        private string RequireMerchantId()
        {
            if (Strings.IsBlank(_settings.MerchantId))
            {
                throw new PayscoreException(
                    ErrorIds.MerchantIdMissing,
                    Messages.Format("Config.MerchantIdMissing"));
            }

            return CheckMerchantId(_settings.MerchantId);
        }

        /// <summary>The merchant id given, trimmed, when it is a merchant number (digits only).</summary>
        private string CheckMerchantId(string given)
        {
            string merchantId = given.Trim();
            foreach (char c in merchantId)
            {
                if (c < '0' || c > '9')
                {
                    throw new PayscoreException(
                        ErrorIds.MerchantIdInvalid,
                        Messages.Format("Config.MerchantIdNotDigits", UserText.Excerpt(given), _settings.Origin(nameof(ClientSettings.MerchantId))));
                }
            }

            return merchantId;
        }

        /// <summary>The explicit serial in WeChat Pay's form (uppercase hex), or null when none is given.</summary>
        private string? CheckSerialNumber()
        {
            if (Strings.IsBlank(_settings.MerchantSerialNumber))
            {
                return null;
            }

            string serial = _settings.MerchantSerialNumber.Trim();
            bool hex = serial.Length <= 64;
            foreach (char c in serial)
            {
                hex &= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
            }

            if (!hex)
            {
                throw new PayscoreException(
                    ErrorIds.MerchantSerialNumberInvalid,
                    Messages.Format("Config.MerchantSerialNotHex", UserText.Excerpt(serial), _settings.Origin(nameof(ClientSettings.MerchantSerialNumber))));
            }

            return serial.ToUpperInvariant();
        }

        /// <summary>The serial to sign with: the explicit one, or the certificate's; they must agree, and the key must fit the certificate.</summary>
        private string CheckCertificate(MerchantKey key, string keySource, MerchantCertificate? fromPkcs12, MerchantKeySource? carrier, string? explicitSerial)
        {
            MerchantCertificate? fromFile = _settings.MerchantCertificate?.Load();
            string fileSource = _settings.MerchantCertificate?.Description ?? string.Empty;
            string carrierSource = carrier?.Description ?? string.Empty;
            if (fromFile != null && fromPkcs12 != null && fromFile.SerialNumber != fromPkcs12.SerialNumber)
            {
                throw new PayscoreException(
                    ErrorIds.MerchantSerialNumberMismatch,
                    Messages.Format("Config.CertificateSerialsDiffer", fileSource, fromFile.SerialNumber, carrierSource, fromPkcs12.SerialNumber));
            }

            MerchantCertificate? certificate = fromFile ?? fromPkcs12;
            string certificateSource = fromFile != null ? fileSource : carrierSource;
            if (certificate == null)
            {
                return explicitSerial ?? throw new PayscoreException(
                    ErrorIds.MerchantSerialNumberMissing,
                    Messages.Format("Config.MerchantSerialMissing"));
            }

            if (explicitSerial != null && explicitSerial != certificate.SerialNumber)
            {
                throw new PayscoreException(
                    ErrorIds.MerchantSerialNumberMismatch,
                    Messages.Format("Config.SerialNotCertificates", explicitSerial, _settings.Origin(nameof(ClientSettings.MerchantSerialNumber)), certificateSource, certificate.SerialNumber));
            }

            if (!certificate.Matches(key.PrivateKey))
            {
                throw new PayscoreException(
                    ErrorIds.PrivateKeyCertificateMismatch,
                    Messages.Format("Config.KeyNotCertificates", keySource, certificateSource, certificate.SerialNumber));
            }

            return certificate.SerialNumber;
        }

        /// <param name="sendsRequests">The command signs requests, so it can download the platform certificates (notifications cannot).</param>
        /// <param name="hasApiV3Key">An APIv3 key is given: a command that sends requests then downloads the certificates at start when no key is configured.</param>
        private WechatpayKeyStore LoadWechatpayKeys(bool sendsRequests, bool hasApiV3Key)
        {
            if (_settings.WechatpayPublicKeyProblem != null)
            {
                throw _settings.WechatpayPublicKeyProblem;
            }

            var keys = new WechatpayKeyStore();
            if (_settings.WechatpayPublicKey != null)
            {
                keys.AddPublicKey(_settings.WechatpayPublicKey.KeyId, _settings.WechatpayPublicKey.Load());
            }

            foreach (PlatformCertificateSource source in _settings.PlatformCertificates ?? Array.Empty<PlatformCertificateSource>())
            {
                foreach (KeyValuePair<string, RSA> certificate in source.Load())
                {
                    keys.AddPlatformCertificate(certificate.Key, certificate.Value);
                }
            }

            if (keys.Count == 0 && !(sendsRequests && hasApiV3Key))
            {
                // A command that sends requests could also download the platform certificates with an APIv3 key.
                throw new PayscoreException(
                    ErrorIds.WechatpayKeyMissing,
                    sendsRequests ? Messages.Format("Config.WechatpayKeyMissingOrApiV3Key") : Messages.Format("Config.WechatpayKeyMissing"));
            }

            return keys;
        }
    }
}
