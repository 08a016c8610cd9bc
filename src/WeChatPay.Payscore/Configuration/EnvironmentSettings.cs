using System;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>The settings runbooks give through environment variables (see the README for the list), as one layer.</summary>
    internal static class EnvironmentSettings
    {
        /// <param name="variable">Reads one variable: <see cref="Environment.GetEnvironmentVariable(string)"/> outside tests.</param>
        public static ClientSettings Read(Func<string, string?> variable)
        {
            var layer = new ClientSettings()
                .WithMerchantId(variable(EnvironmentVariables.MerchantId), EnvironmentVariables.MerchantId)
                .WithMerchantSerialNumber(variable(EnvironmentVariables.MerchantSerialNumber), EnvironmentVariables.MerchantSerialNumber)
                .WithBaseUri(variable(EnvironmentVariables.BaseUri), EnvironmentVariables.BaseUri);
            string? apiV3Key = variable(EnvironmentVariables.ApiV3Key);
            if (!Strings.IsEmpty(apiV3Key))
            {
                layer.WithApiV3Key(SecureText.FromPlainText(apiV3Key), EnvironmentVariables.ApiV3Key);
            }

            // The key's text wins over its path when a runbook sets both: the text is what the runbook itself holds.
            string? keyPem = variable(EnvironmentVariables.PrivateKey);
            string? keyPath = variable(EnvironmentVariables.PrivateKeyPath);
            if (!Strings.IsBlank(keyPem))
            {
                layer.PrivateKey = MerchantKeySource.FromPemText(keyPem, EnvironmentVariables.PrivateKey);
            }
            else if (!Strings.IsBlank(keyPath))
            {
                // Like every problem of a lower layer, key text in a path variable stops only when the key is used.
                layer.PrivateKeyProblem = PathSetting.PrivateKeyPathVariable.KeyMaterialProblem(keyPath);
                layer.PrivateKey = layer.PrivateKeyProblem == null ? MerchantKeySource.FromPemFile(keyPath, EnvironmentVariables.PrivateKeyPath) : null;
            }

            string? publicKeyPem = variable(EnvironmentVariables.PublicKey);
            bool hasPublicPem = !Strings.IsBlank(publicKeyPem);
            string? publicKeyPath = hasPublicPem ? null : variable(EnvironmentVariables.PublicKeyPath);
            PayscoreException? publicKeyPathProblem = PathSetting.PublicKeyPathVariable.KeyMaterialProblem(publicKeyPath);
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
    }
}
