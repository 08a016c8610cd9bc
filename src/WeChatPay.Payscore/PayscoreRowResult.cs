using System;
using System.Collections.Generic;
using System.Linq;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// What the result of every input row has, whatever the command: <see cref="TerminateResult"/> and
    /// <see cref="PayscorePermission"/>. Exactly one per row.
    /// </summary>
    /// <remarks>
    /// Reflection lists a type's own properties before those it inherits, which would put a result's own columns
    /// first. PowerShell (Export-Csv, Format-List, Select-Object *) therefore sees the columns of <see cref="Columns"/>,
    /// in that order: the row, who it is about (<see cref="RowFields.Identity"/>), Success, the command's own columns,
    /// WeChat Pay's answer, <see cref="CompletedAt"/>.
    /// </remarks>
    public abstract class PayscoreRowResult
    {
        private protected PayscoreRowResult()
        {
        }

        /// <summary>1-based position of the row in the input.</summary>
        public long RowNumber { get; internal set; }

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

        /// <summary>True only when WeChat Pay's answer verified and says what the command asked for.</summary>
        public bool Success { get; internal set; }

        /// <summary>The HTTP status of WeChat Pay's answer; 0 when there was none.</summary>
        public int StatusCode { get; internal set; }

        /// <summary><see cref="ResultCodes"/> or WeChat Pay's own error code.</summary>
        public string Code { get; internal set; } = string.Empty;

        public string Message { get; internal set; } = string.Empty;

        /// <summary>WeChat Pay's Request-ID: quote it to WeChat Pay support.</summary>
        public string? RequestId { get; internal set; }

        /// <summary>Requests sent for the row: 1, more after retries, 0 when nothing was sent.</summary>
        public int Attempts { get; internal set; }

        /// <summary>From the first attempt to the answer, waits between retries included.</summary>
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>When the row finished; the last column of every result.</summary>
        public DateTimeOffset CompletedAt { get; internal set; }

        /// <summary>The property names PowerShell shows, in their order: what Export-Csv writes as the columns.</summary>
        internal abstract IReadOnlyList<string> Columns { get; }

        /// <summary>The columns of a result whose own properties are <paramref name="afterSuccess"/> and <paramref name="beforeCompletedAt"/>.</summary>
        private protected static IReadOnlyList<string> ColumnsWith(IEnumerable<string> afterSuccess, IEnumerable<string> beforeCompletedAt) =>
            new[] { nameof(RowNumber) }
                .Concat(RowFields.Identity.Select(field => field.PropertyName))
                .Concat(new[] { nameof(Success) })
                .Concat(afterSuccess)
                .Concat(new[] { nameof(StatusCode), nameof(Code), nameof(Message), nameof(RequestId), nameof(Attempts), nameof(Elapsed) })
                .Concat(beforeCompletedAt)
                .Concat(new[] { nameof(CompletedAt) })
                .ToArray();

        /// <summary>The row's identifying values, as the request carried them (or as the row gave them, when it was not sent).</summary>
        internal RowFields Identity { get; private set; } = new RowFields();

        internal void Identify(RowFields fields) => Identity = fields.Copy();

        /// <summary>Who the row is about, in one word: the openid, else the sub_openid, else the authorization code.</summary>
        internal string? Subject => Identity.Subject;

        /// <summary>A row that is not sent: bad input, a duplicate of an earlier row, one an earlier run already ended, or one not started.</summary>
        internal static T NotSent<T>(long rowNumber, RowFields fields, string code, bool success, string message)
            where T : PayscoreRowResult, new()
        {
            var result = new T
            {
                RowNumber = rowNumber,
                Success = success,
                Code = code,
                Message = message,
                CompletedAt = DateTimeOffset.UtcNow,
            };
            result.Identify(fields);
            return result;
        }

        /// <summary>
        /// A row that came after the run's time budget (-StopAfter) was spent, or was read and left out when the run
        /// stopped (<paramref name="why"/>, a clause): never sent, whatever its values.
        /// </summary>
        internal static T NotStarted<T>(long rowNumber, RowFields fields, string? why = null)
            where T : PayscoreRowResult, new() =>
            NotSent<T>(rowNumber, fields, ResultCodes.NotStarted, success: false, Messages.Format("Result.NotStarted", why ?? Execution.TimeBudget.SpentClause));

        /// <summary>A row that broke a field rule: never sent, each broken rule named.</summary>
        internal static T InvalidInput<T>(long rowNumber, RowFields fields, IReadOnlyList<string> problems)
            where T : PayscoreRowResult, new() =>
            NotSent<T>(rowNumber, fields, ResultCodes.InvalidInput, success: false, Messages.Format("Result.NotSentInvalidInput", string.Join("; ", problems)));
    }
}
