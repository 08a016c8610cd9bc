namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// The environment variables runbooks set instead of parameters. They are read only for settings that
    /// neither the command nor the session connection gives.
    /// </summary>
    internal static class EnvironmentVariables
    {
        public const string MerchantId = "WXPAY_MCHID";
        public const string MerchantSerialNumber = "WXPAY_MERCHANT_SERIAL";
        public const string PrivateKey = "WXPAY_PRIVATE_KEY";
        public const string PrivateKeyPath = "WXPAY_PRIVATE_KEY_PATH";
        public const string PublicKeyId = "WXPAY_PUBLIC_KEY_ID";
        public const string PublicKey = "WXPAY_PUBLIC_KEY";
        public const string PublicKeyPath = "WXPAY_PUBLIC_KEY_PATH";
        public const string BaseUri = "WXPAY_BASE_URI";
        public const string ApiV3Key = "WXPAY_APIV3_KEY";
    }
}
