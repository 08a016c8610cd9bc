using System;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>Layers settings: the command's over the session connection's over the environment's.</summary>
    internal static class SettingsMerge
    {
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

                Take(merged, layer, nameof(ClientSettings.MerchantId), layer.MerchantId, merged.WithMerchantId);
                Take(merged, layer, nameof(ClientSettings.BaseUri), layer.BaseUri, merged.WithBaseUri);
                Take(merged, layer, nameof(ClientSettings.BackupBaseUri), layer.BackupBaseUri, merged.WithBackupBaseUri);

                // A group is decided once the merged settings hold any part of it. The merchant's identity is taken
                // before the key of the same layer, so a PKCS#12 key already merged can only come from a layer that
                // decided the identity itself.
                if (!merged.NamesMerchant && layer.NamesMerchant)
                {
                    Take(merged, layer, nameof(ClientSettings.MerchantSerialNumber), layer.MerchantSerialNumber, merged.WithMerchantSerialNumber);
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
                if (merged.ApiV3Key == null && layer.ApiV3Key != null)
                {
                    merged.WithApiV3Key(layer.ApiV3Key, layer.Origin(nameof(ClientSettings.ApiV3Key)));
                }

                if (merged.Timeout == null)
                {
                    merged.WithTimeout(layer.Timeout);
                }

                if (merged.Proxy == null && merged.ProxyCredential == null)
                {
                    merged.WithProxy(layer.Proxy, layer.ProxyCredential);
                }
            }

            return merged;
        }

        /// <summary>A setting with an origin goes over with it, through the builder that records both.</summary>
        private static void Take(ClientSettings merged, ClientSettings layer, string setting, string? value, Func<string?, string, ClientSettings> with)
        {
            if (value != null && !merged.Gives(setting))
            {
                with(value, layer.Origin(setting));
            }
        }
    }
}
