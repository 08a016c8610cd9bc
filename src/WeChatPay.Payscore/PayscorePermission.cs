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

        public override string ToString() => $"{RowNumber} {OpenId} {ServiceId} {AuthorizationState ?? Code}";
    }
}
