using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// What checking a message WeChat Pay sent on its own (a notification) takes: the keys it may be signed with and
    /// the APIv3 key its resource is encrypted with, and the merchant it must be for when one is known. No merchant
    /// private key: nothing is signed or sent.
    /// </summary>
    internal sealed class VerificationCredentials
    {
        public VerificationCredentials(WechatpayKeyStore wechatpayKeys, ApiV3Key apiV3Key, string? merchantId, string? merchantIdOrigin)
        {
            WechatpayKeys = wechatpayKeys;
            ApiV3Key = apiV3Key;
            MerchantId = merchantId;
            MerchantIdOrigin = merchantIdOrigin;
        }

        public WechatpayKeyStore WechatpayKeys { get; }

        public ApiV3Key ApiV3Key { get; }

        /// <summary>The merchant id given (-MerchantId, the session connection, WXPAY_MCHID), checked; null when none is.</summary>
        public string? MerchantId { get; }

        /// <summary>Where <see cref="MerchantId"/> came from, for messages: "-MerchantId", "WXPAY_MCHID", ...</summary>
        public string? MerchantIdOrigin { get; }
    }
}
