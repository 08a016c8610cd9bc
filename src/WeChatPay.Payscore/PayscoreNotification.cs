using System;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// One WeChat Pay Pay Score notification (a callback to the merchant's notify_url), its signature verified and
    /// its resource decrypted with the APIv3 key. OpenId, ServiceId and AppId are named as Get-WxPayscorePermission
    /// and Invoke-WxPayscoreTerminate read them, so notifications pipe straight into them, asking by openid.
    /// </summary>
    public sealed class PayscoreNotification
    {
        /// <summary>The notification's id: the same for every retry of one notification (WeChat Pay retries for up to 3 days).</summary>
        public string? NotificationId { get; internal set; }

        public DateTimeOffset? CreateTime { get; internal set; }

        /// <summary>PAYSCORE.USER_OPEN_SERVICE (the user authorized) or PAYSCORE.USER_CLOSE_SERVICE (the user ended the authorization).</summary>
        public string? EventType { get; internal set; }

        /// <summary>WeChat Pay's short description of the event.</summary>
        public string? Summary { get; internal set; }

        public string? OpenId { get; internal set; }

        public string? ServiceId { get; internal set; }

        public string? AppId { get; internal set; }

        /// <summary>The merchant the notification is for (mchid).</summary>
        public string? MerchantId { get; internal set; }

        /// <summary>
        /// The authorization code (authorization_code) the merchant gave when it asked the user to authorize, when it gave
        /// one. Not named AuthorizationCode: a row with both an openid and a code is refused, so a piped notification asks
        /// by openid; to ask by code, Select-Object @{ n = 'AuthorizationCode'; e = { $_.NotifiedAuthorizationCode } }, ServiceId.
        /// </summary>
        public string? NotifiedAuthorizationCode { get; internal set; }

        /// <summary>The user's service status after the event, as WeChat Pay writes it.</summary>
        public string? UserServiceStatus { get; internal set; }

        /// <summary>When the user opened or closed the service.</summary>
        public DateTimeOffset? OpenOrCloseTime { get; internal set; }

        /// <summary>The merchant's own request number of the authorization (out_request_no), when it gave one.</summary>
        public string? OutRequestNo { get; internal set; }

        /// <summary>When WeChat Pay signed the notification (its Wechatpay-Timestamp header).</summary>
        public DateTimeOffset SignedAt { get; internal set; }

        /// <summary>The WeChat Pay key the signature verified with (Wechatpay-Serial): a PUB_KEY_ID_ or a platform certificate serial.</summary>
        public string WechatpaySerial { get; internal set; } = string.Empty;

        /// <summary>The file the notification was read from; empty for one given as headers and body.</summary>
        public string? Path { get; internal set; }

        public override string ToString() => $"{NotificationId} {EventType} {OpenId ?? NotifiedAuthorizationCode} {ServiceId}";
    }
}
