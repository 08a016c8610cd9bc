using System;

namespace WeChatPay.Payscore
{
    /// <summary>The authorization state of one input row of Get-WxPayscorePermission. Exactly one per row.</summary>
    public sealed class PayscorePermission
    {
        /// <summary>1-based position of the row in the input.</summary>
        public long RowNumber { get; internal set; }

        public string? OpenId { get; internal set; }

        public string? ServiceId { get; internal set; }

        public string? AppId { get; internal set; }

        /// <summary>The authorization code the row named instead of an openid.</summary>
        public string? AuthorizationCode { get; internal set; }

        /// <summary>The sub-merchant a service provider acted for (sub_mchid).</summary>
        public string? SubMerchantId { get; internal set; }

        /// <summary>The sub-merchant's appid (sub_appid), for sub_openid rows.</summary>
        public string? SubAppId { get; internal set; }

        /// <summary>The user's openid under the sub-merchant's sub_appid.</summary>
        public string? SubOpenId { get; internal set; }

        /// <summary>True when WeChat Pay answered and the answer's signature verified.</summary>
        public bool Success { get; internal set; }

        /// <summary>AVAILABLE (the user's authorization stands), UNAVAILABLE (ended) or UNBINDUSER (the user unbound); empty when unknown.</summary>
        public string? AuthorizationState { get; internal set; }

        public DateTimeOffset? AuthorizationTime { get; internal set; }

        /// <summary>When the authorization was ended, for UNAVAILABLE.</summary>
        public DateTimeOffset? CancelAuthorizationTime { get; internal set; }

        /// <summary>The HTTP status of WeChat Pay's answer; 0 when there was none.</summary>
        public int StatusCode { get; internal set; }

        /// <summary><see cref="ResultCodes"/> or WeChat Pay's own error code.</summary>
        public string Code { get; internal set; } = string.Empty;

        public string Message { get; internal set; } = string.Empty;

        public string? RequestId { get; internal set; }

        /// <summary>Requests sent for the row: 1, more after retries, 0 when nothing was sent.</summary>
        public int Attempts { get; internal set; }

        public TimeSpan Elapsed { get; internal set; }

        public DateTimeOffset CompletedAt { get; internal set; }

        /// <summary>The row's identifying values, as the request carried them (or as the row gave them, when it was not sent).</summary>
        internal void Identify(Protocol.RowFields fields)
        {
            OpenId = fields.OpenId;
            ServiceId = fields.ServiceId;
            AppId = fields.AppId;
            AuthorizationCode = fields.AuthorizationCode;
            SubMerchantId = fields.SubMerchantId;
            SubAppId = fields.SubAppId;
            SubOpenId = fields.SubOpenId;
        }

        /// <summary>Who the row is about, in one word: the openid, else the sub_openid, else the authorization code.</summary>
        internal string? Subject => OpenId ?? SubOpenId ?? AuthorizationCode;

        public override string ToString() => $"{RowNumber} {Subject} {ServiceId} {AuthorizationState ?? Code}";
    }
}
