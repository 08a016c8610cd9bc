using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>
    /// What checking a message WeChat Pay sent on its own (a notification) takes: the keys it may be signed with and
    /// the APIv3 key its resource is encrypted with. No merchant private key: nothing is signed or sent.
    /// </summary>
    internal sealed class VerificationCredentials
    {
        public VerificationCredentials(WechatpayKeyStore wechatpayKeys, ApiV3Key apiV3Key)
        {
            WechatpayKeys = wechatpayKeys;
            ApiV3Key = apiV3Key;
        }

        public WechatpayKeyStore WechatpayKeys { get; }

        public ApiV3Key ApiV3Key { get; }
    }
}
