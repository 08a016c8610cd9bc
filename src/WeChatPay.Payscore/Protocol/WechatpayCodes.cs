using System;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// WeChat Pay's own words that the module acts on, each in one place: the error codes its answers carry and the
    /// authorization states its query reports. Every other code passes through unchanged.
    /// </summary>
    internal static class WechatpayCodes
    {
        /// <summary>401: WeChat Pay could not verify the request's signature (a wrong serial or key, or a clock far off).</summary>
        public const string SignError = "SIGN_ERROR";

        /// <summary>403: the merchant may not do this; also the answer to a terminate (or a query) of an authorization that is not there.</summary>
        public const string NoAuth = "NO_AUTH";

        /// <summary>400: breaks APIv3 or business rules; also one answer to a terminate of an authorization already ended.</summary>
        public const string InvalidRequest = "INVALID_REQUEST";

        public const string OrderNotExist = "ORDER_NOT_EXIST";

        /// <summary>404 of GET /v3/certificates for a merchant with only the WeChat Pay public key (some clients see <see cref="NotFound"/>).</summary>
        public const string ResourceNotExists = "RESOURCE_NOT_EXISTS";

        public const string NotFound = "NOT_FOUND";

        /// <summary>429, as the Pay Score table spells it; other products answer <see cref="RateLimitExceed"/>. Any 429 is a rate limit, whatever its code.</summary>
        public const string FrequencyLimited = "FREQUENCY_LIMITED";

        public const string RateLimitExceeded = "RATELIMIT_EXCEEDED";

        public const string RateLimitExceed = "RATELIMIT_EXCEED";

        /// <summary>500 "retry later with the same parameters"; <see cref="SystemErrorLegacy"/> is the older spelling.</summary>
        public const string SystemError = "SYSTEM_ERROR";

        public const string SystemErrorLegacy = "SYSTEMERROR";

        public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

        /// <summary>The query's authorization_state: the user's authorization stands.</summary>
        public const string Available = "AVAILABLE";

        /// <summary>The query's authorization_state: the authorization is ended.</summary>
        public const string Unavailable = "UNAVAILABLE";

        /// <summary>The query's authorization_state: the user unbound the service (or had only pre-authorized it): ended too.</summary>
        public const string UnbindUser = "UNBINDUSER";

        /// <summary>
        /// The texts of GET /v3/certificates' 404 for a public-key-only merchant: 无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥…
        /// (followed by one of two guide links) and 证书不存在.
        /// </summary>
        private static readonly string[] NoPlatformCertificateTexts = { "无可用的平台证书", "证书不存在" };

        /// <summary>
        /// What a 401 SIGN_ERROR's message names when the serial_no is not a merchant API certificate of the merchant:
        /// 商户证书序列号有误 ("the merchant certificate serial number is wrong"). Any other SIGN_ERROR is the signature itself.
        /// </summary>
        private const string SerialNumberText = "序列号";

        /// <summary>True when a SIGN_ERROR says the request's serial_no is wrong, rather than its signature.</summary>
        public static bool MeansSerialNumberRefused(ErrorBody error) =>
            error.Code == SignError && error.Message.IndexOf(SerialNumberText, StringComparison.Ordinal) >= 0;

        /// <summary>What an authorization_state says, and the words for it; Unknown for anything else.</summary>
        public static (AuthorizationState State, string Description) StateOf(string? authorizationState)
        {
            switch (authorizationState)
            {
                case Available: return (AuthorizationState.Available, Messages.Format("Answer.StateAvailable"));
                case Unavailable: return (AuthorizationState.Ended, Messages.Format("Answer.StateUnavailable"));
                case UnbindUser: return (AuthorizationState.Ended, Messages.Format("Answer.StateUnbindUser"));
                default: return (AuthorizationState.Unknown, string.Empty);
            }
        }

        /// <summary>True when a 404 of GET /v3/certificates says the merchant has no platform certificates (only the public key).</summary>
        public static bool MeansPublicKeyOnly(ErrorBody error)
        {
            if (error.Code == ResourceNotExists || error.Code == NotFound)
            {
                return true;
            }

            foreach (string text in NoPlatformCertificateTexts)
            {
                if (error.Message.IndexOf(text, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
