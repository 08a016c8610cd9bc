using System;
using System.Collections.Generic;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// What the result of every input row has, whatever the command: <see cref="TerminateResult"/> and
    /// <see cref="PayscorePermission"/>. Exactly one per row.
    /// </summary>
    /// <remarks>
    /// PowerShell lists a type's own properties before those it inherits, so each result type declares the shared
    /// properties itself, in the order of its columns (Export-Csv), and this class holds what they mean and the
    /// identity values behind them (<see cref="RowFields.Identity"/>).
    /// </remarks>
    public abstract class PayscoreRowResult
    {
        private protected PayscoreRowResult()
        {
        }

        /// <summary>1-based position of the row in the input.</summary>
        public abstract long RowNumber { get; internal set; }

        /// <summary>True only when WeChat Pay's answer verified and says what the command asked for.</summary>
        public abstract bool Success { get; internal set; }

        /// <summary>The HTTP status of WeChat Pay's answer; 0 when there was none.</summary>
        public abstract int StatusCode { get; internal set; }

        /// <summary><see cref="ResultCodes"/> or WeChat Pay's own error code.</summary>
        public abstract string Code { get; internal set; }

        public abstract string Message { get; internal set; }

        /// <summary>WeChat Pay's Request-ID: quote it to WeChat Pay support.</summary>
        public abstract string? RequestId { get; internal set; }

        /// <summary>Requests sent for the row: 1, more after retries, 0 when nothing was sent.</summary>
        public abstract int Attempts { get; internal set; }

        /// <summary>From the first attempt to the answer, waits between retries included.</summary>
        public abstract TimeSpan Elapsed { get; internal set; }

        /// <summary>When the row finished; the last column of every result.</summary>
        public DateTimeOffset CompletedAt { get; internal set; }

        /// <summary>The row's identifying values, as the request carried them (or as the row gave them, when it was not sent).</summary>
        internal RowFields Identity { get; private set; } = new RowFields();

        internal void Identify(RowFields fields) => Identity = fields.Copy();

        /// <summary>Who the row is about, in one word: the openid, else the sub_openid, else the authorization code.</summary>
        internal string? Subject => Identity.Subject;

        /// <summary>A row that is not sent: bad input, a duplicate of an earlier row, or one an earlier run already ended.</summary>
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

        /// <summary>A row that broke a field rule: never sent, each broken rule named.</summary>
        internal static T InvalidInput<T>(long rowNumber, RowFields fields, IReadOnlyList<string> problems)
            where T : PayscoreRowResult, new() =>
            NotSent<T>(rowNumber, fields, ResultCodes.InvalidInput, success: false, "Not sent: " + string.Join("; ", problems) + ".");
    }
}
