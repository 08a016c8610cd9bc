using System;
using System.Collections.Generic;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The outcome of one input row of Invoke-WxPayscoreTerminate. Exactly one per row. Success is true only when
    /// WeChat Pay answered 204 and the answer's signature verified.
    /// </summary>
    public sealed class TerminateResult : PayscoreRowResult
    {
        private static readonly IReadOnlyList<string> ColumnOrder = ColumnsWith(Array.Empty<string>(), new[] { nameof(Route) });

        /// <summary>Which WeChat Pay endpoint the row went to (or would have).</summary>
        public TerminateRoute Route { get; internal set; }

        internal override IReadOnlyList<string> Columns => ColumnOrder;

        public override string ToString() => $"{RowNumber} {Subject} {ServiceId} {StatusCode} {Code}";
    }
}
