using System;
using System.Security.Cryptography;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>What to do with a valid row, given the rows before it and an earlier run's journal.</summary>
    internal enum RowDecision
    {
        /// <summary>Send it.</summary>
        Send,

        /// <summary>An earlier run may have sent it: ask WeChat Pay before sending it again.</summary>
        AskFirst,

        /// <summary>The same authorization came earlier in this run: it is sent once.</summary>
        Duplicate,

        /// <summary>The journal says an earlier run ended it: nothing to send.</summary>
        AlreadyDone,
    }

    /// <summary>
    /// Remembers every row of a run by the authorization it ends and decides whether it is sent, so
    /// that nothing is sent twice, in one run or across runs resumed from a journal. Used on one thread.
    /// </summary>
    internal sealed class RowLedger : IDisposable
    {
        private readonly KeyTable _seen = new KeyTable(fullKeys: false);
        private readonly SHA256 _sha = SHA256.Create();

        public RowLedger(RunJournal? journal)
        {
            Journal = journal;
        }

        public RunJournal? Journal { get; }

        /// <param name="firstRow">For a duplicate: the row it repeats.</param>
        public RowDecision Decide(long rowNumber, TerminateRequest request, out long firstRow)
        {
            RowKey key = RowKey.Of(request.Target, _sha);
            if (!_seen.TryAdd(key, (int)Math.Min(rowNumber, int.MaxValue), out int first))
            {
                firstRow = first;
                return RowDecision.Duplicate;
            }

            firstRow = 0;
            switch (Journal?.Previous(key))
            {
                case JournalRowState.Done:
                    return RowDecision.AlreadyDone;
                case JournalRowState.Sending:
                case JournalRowState.Unknown:
                    return RowDecision.AskFirst;
                default:
                    return RowDecision.Send;
            }
        }

        public void Dispose()
        {
            Journal?.Dispose();
            _sha.Dispose();
        }
    }
}
