using System;

namespace WeChatPay.Payscore
{
    /// <summary>The outcome of one input row of Invoke-WxPayscoreTerminate. Exactly one per row.</summary>
    /// <remarks>Its properties are declared in the order of its columns; <see cref="PayscoreRowResult"/> says what they mean.</remarks>
    public sealed class TerminateResult : PayscoreRowResult
    {
        public override long RowNumber { get; internal set; }

        public string? OpenId { get => Identity.OpenId; internal set => Identity.OpenId = value; }

        public string? ServiceId { get => Identity.ServiceId; internal set => Identity.ServiceId = value; }

        public string? AppId { get => Identity.AppId; internal set => Identity.AppId = value; }

        /// <summary>The authorization code the row named instead of an openid.</summary>
        public string? AuthorizationCode { get => Identity.AuthorizationCode; internal set => Identity.AuthorizationCode = value; }

        /// <summary>The sub-merchant a service provider acted for (sub_mchid).</summary>
        public string? SubMerchantId { get => Identity.SubMerchantId; internal set => Identity.SubMerchantId = value; }

        /// <summary>The sub-merchant's appid (sub_appid), for sub_openid rows.</summary>
        public string? SubAppId { get => Identity.SubAppId; internal set => Identity.SubAppId = value; }

        /// <summary>The user's openid under the sub-merchant's sub_appid.</summary>
        public string? SubOpenId { get => Identity.SubOpenId; internal set => Identity.SubOpenId = value; }

        /// <summary>True only when WeChat Pay answered 204 and the answer's signature verified.</summary>
        public override bool Success { get; internal set; }

        public override int StatusCode { get; internal set; }

        public override string Code { get; internal set; } = string.Empty;

        public override string Message { get; internal set; } = string.Empty;

        public override string? RequestId { get; internal set; }

        public override int Attempts { get; internal set; }

        public override TimeSpan Elapsed { get; internal set; }

        public TerminateRoute Route { get; internal set; }

        public override string ToString() => $"{RowNumber} {Subject} {ServiceId} {StatusCode} {Code}";
    }
}
