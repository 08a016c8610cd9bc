using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>A finished row on its way back to the pipeline thread: its result, and what it has to say on the verbose and debug streams.</summary>
    internal sealed class FinishedRow
    {
        public FinishedRow(object input, PayscoreRowResult result, Diagnostics? diagnostics, bool journaled = false, RowStep? askAgain = null)
        {
            Input = input;
            Result = result;
            Diagnostics = diagnostics;
            Journaled = journaled;
            AskAgain = askAgain;
        }

        /// <summary>The input row, the target of the row's error record.</summary>
        public object Input { get; }

        /// <summary>The row's result object: a <see cref="TerminateResult"/> or a <see cref="PayscorePermission"/>.</summary>
        public PayscoreRowResult Result { get; }

        public bool Success => Result.Success;

        /// <summary>The result's code: OK, WeChat Pay's error code, or one of <see cref="ResultCodes"/>.</summary>
        public string Code => Result.Code;

        public Diagnostics? Diagnostics { get; }

        /// <summary>The row's final record is in the journal already (an earlier run wrote it).</summary>
        public bool Journaled { get; }

        /// <summary>
        /// For a row that was sent: the work that asks about it once more, and its journal record, should its outcome be
        /// open (<see cref="OutcomeSweep"/>); null for a row that cannot be asked again (not sent, or asked again already).
        /// </summary>
        public RowStep? AskAgain { get; }
    }
}
