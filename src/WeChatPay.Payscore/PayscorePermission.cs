using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The authorization state of one input row of Get-WxPayscorePermission. Exactly one per row. Success is true
    /// when WeChat Pay answered and the answer's signature verified.
    /// </summary>
    [SuppressMessage("Naming", "CA1711", Justification = "A public name: the WeChat Pay term for the object.")]
    public sealed class PayscorePermission : PayscoreRowResult
    {
        private static readonly IReadOnlyList<string> ColumnOrder = ColumnsWith(
            new[] { nameof(AuthorizationState), nameof(AuthorizationTime), nameof(CancelAuthorizationTime) }, Array.Empty<string>());

        /// <summary>AVAILABLE (the user's authorization stands), UNAVAILABLE (ended) or UNBINDUSER (the user unbound); empty when unknown.</summary>
        public string? AuthorizationState { get; internal set; }

        public DateTimeOffset? AuthorizationTime { get; internal set; }

        /// <summary>When the authorization was ended, for UNAVAILABLE.</summary>
        public DateTimeOffset? CancelAuthorizationTime { get; internal set; }

        internal override IReadOnlyList<string> Columns => ColumnOrder;

        public override string ToString() => $"{RowNumber} {Subject} {ServiceId} {AuthorizationState ?? Code}";
    }
}
