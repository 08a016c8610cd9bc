using System;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>What a command makes of one input row: a result at once (not sent), work to send, or nothing (-WhatIf, declined).</summary>
    internal sealed class RowStep
    {
        /// <summary>The row was declined (-WhatIf, a "no" at the prompt): it gets no result.</summary>
        public static readonly RowStep Declined = new RowStep(null, null);

        private RowStep(RowOutcome? finished, Func<CancellationToken, Task<RowOutcome?>>? work)
        {
            Finished = finished;
            Work = work;
        }

        /// <summary>The row's result, when it was settled without a request (bad input, a duplicate, done before).</summary>
        public RowOutcome? Finished { get; }

        /// <summary>The row's requests and its result, run on the thread pool.</summary>
        public Func<CancellationToken, Task<RowOutcome?>>? Work { get; }

        public static RowStep Finish(RowOutcome outcome) => new RowStep(outcome, null);

        public static RowStep Send(Func<CancellationToken, Task<RowOutcome?>> work) => new RowStep(null, work);
    }
}
