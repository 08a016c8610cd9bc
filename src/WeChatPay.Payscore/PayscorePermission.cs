using System;
using System.Diagnostics.CodeAnalysis;

namespace WeChatPay.Payscore
{
    /// <summary>The authorization state of one input row of Get-WxPayscorePermission. Exactly one per row.</summary>
    /// <remarks>Its properties are declared in the order of its columns; <see cref="PayscoreRowResult"/> says what they mean.</remarks>
    [SuppressMessage("Naming", "CA1711", Justification = "A public name: the WeChat Pay term for the object.")]
    public sealed class PayscorePermission : PayscoreRowResult
    {
        public override long RowNumber { get; internal set; }

        public string? OpenId { get => Identity.OpenId; internal set => Identity.OpenId = value; }

        public string? ServiceId { get => Identity.ServiceId; internal set => Identity.ServiceId = value; }

        public string? AppId { get => Identity.AppId; internal set => Identity.AppId = value; }

        public string? AuthorizationCode { get => Identity.AuthorizationCode; internal set => Identity.AuthorizationCode = value; }

        public string? SubMerchantId { get => Identity.SubMerchantId; internal set => Identity.SubMerchantId = value; }

        public string? SubAppId { get => Identity.SubAppId; internal set => Identity.SubAppId = value; }

        public string? SubOpenId { get => Identity.SubOpenId; internal set => Identity.SubOpenId = value; }

        /// <summary>True when WeChat Pay answered and the answer's signature verified.</summary>
        public override bool Success { get; internal set; }

        /// <summary>AVAILABLE (the user's authorization stands), UNAVAILABLE (ended) or UNBINDUSER (the user unbound); empty when unknown.</summary>
        public string? AuthorizationState { get; internal set; }

        public DateTimeOffset? AuthorizationTime { get; internal set; }

        /// <summary>When the authorization was ended, for UNAVAILABLE.</summary>
        public DateTimeOffset? CancelAuthorizationTime { get; internal set; }

        public override int StatusCode { get; internal set; }

        public override string Code { get; internal set; } = string.Empty;

        public override string Message { get; internal set; } = string.Empty;

        public override string? RequestId { get; internal set; }

        public override int Attempts { get; internal set; }

        public override TimeSpan Elapsed { get; internal set; }

        public override string ToString() => $"{RowNumber} {Subject} {ServiceId} {AuthorizationState ?? Code}";
    }
}
