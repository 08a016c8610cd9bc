using System;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>What a command makes of one input row: a result at once (not sent), work to send, or nothing (-WhatIf, declined).</summary>
    internal sealed class RowStep
    {
        /// <summary>The row was declined (-WhatIf, a "no" at the prompt): it gets no result.</summary>
        public static readonly RowStep Declined = new RowStep(null, null, NoRecord);

        private RowStep(FinishedRow? finished, Func<CancellationToken, Task<FinishedRow?>>? work, Action record)
        {
            Finished = finished;
            Work = work;
            Record = record;
        }

        /// <summary>The row's result, when it was settled without a request (bad input, a duplicate, done before).</summary>
        public FinishedRow? Finished { get; }

        /// <summary>The row's requests and its result, run on the thread pool.</summary>
        public Func<CancellationToken, Task<FinishedRow?>>? Work { get; }

        /// <summary>
        /// Adds the record that the row is being sent to the journal's records not yet written: called when its group
        /// is written, before its work starts (<see cref="GroupCommitQueue{T}"/>); nothing for a command without a journal.
        /// </summary>
        public Action Record { get; }

        public static RowStep Finish(FinishedRow outcome) => new RowStep(outcome, null, NoRecord);

        public static RowStep Send(Func<CancellationToken, Task<FinishedRow?>> work, Action? record = null) => new RowStep(null, work, record ?? NoRecord);

        private static void NoRecord()
        {
        }
    }
}
