using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// The rows whose outcome is still open when they finish (OUTCOME_UNKNOWN: the answer was lost or could not be
    /// trusted, and so was the query's), held back until the input ends and then asked about once more, after a
    /// pause that lets a storm of faults pass, with a fresh retry budget: a row's result goes out once, after that
    /// last chance. Used on the pipeline thread; the rows' work counts itself on the thread pool.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Which rows are asked again is <see cref="ResultCodeTable"/>'s word (<see cref="ResultCodeInfo.AskAgain"/>:
    /// OUTCOME_UNKNOWN, the row whose settling query failed); the asking itself is the row's own
    /// <see cref="FinishedRow.AskAgain"/> work, which for a terminate asks the query first and sends again only when
    /// WeChat Pay says the authorization still stands. A row counts as settled once its code is no longer open
    /// (<see cref="ResultCodeInfo.IsOpen"/>), the word the journal goes by.
    /// </para>
    /// <para>
    /// A held row has no final record in the journal yet (<see cref="GroupCommitQueue{T}"/> holds it back before
    /// its record is written): its "sending" record stands, so a run killed before the sweep is resumed as a row in
    /// flight is, asked about before anything is sent, and the row gets one final record, once its result is final.
    /// At most <see cref="DefaultMaxHeld"/> rows are held, so that a run whose every row is open does not keep them
    /// all in memory: later ones go out as they are.
    /// </para>
    /// </remarks>
    internal sealed class OutcomeSweep
    {
        /// <summary>The most rows held for the sweep; later open rows go out at once, as they are.</summary>
        internal const int DefaultMaxHeld = 10000;

        private readonly List<FinishedRow> _held = new List<FinishedRow>();
        private readonly TimeBudget _budget;
        private readonly string _howToSettle;
        private readonly int _maxHeld;
        private readonly Stopwatch _clock = new Stopwatch();
        private int _asked;
        private int _settled;
        private bool _closed;

        /// <param name="pause">How long to wait before asking again, so that the faults that left the rows open may pass.</param>
        /// <param name="budget">The run's time budget (-StopAfter): no row is asked again once it is spent.</param>
        /// <param name="howToSettle">What a row that could not be asked again says the user can do, a sentence.</param>
        /// <param name="maxHeld">The most rows held (<see cref="DefaultMaxHeld"/>).</param>
        public OutcomeSweep(TimeSpan pause, TimeBudget budget, string howToSettle, int maxHeld = DefaultMaxHeld)
        {
            if (pause < TimeSpan.Zero || maxHeld < 0)
            {
                throw new ArgumentOutOfRangeException(pause < TimeSpan.Zero ? nameof(pause) : nameof(maxHeld));
            }

            Pause = pause;
            _budget = budget;
            _howToSettle = howToSettle;
            _maxHeld = maxHeld;
        }

        /// <summary>The wait before the rows are asked again.</summary>
        public TimeSpan Pause { get; }

        /// <summary>
        /// What <see cref="Begin"/> would wait now: <see cref="Pause"/>, or nothing when no row is held or what is left
        /// of the time budget is not longer than the pause (the rows are then asked at once, while the budget lasts).
        /// </summary>
        public TimeSpan Wait => _held.Count > 0 && !(_budget.Remaining <= Pause) ? Pause : TimeSpan.Zero;

        /// <summary>Rows held and not yet asked again.</summary>
        public int Held => _held.Count;

        /// <summary>Rows the sweep took: held when they finished, to be asked again at the end.</summary>
        public int Rows { get; private set; }

        /// <summary>Rows whose asking again started.</summary>
        public int Asked => Volatile.Read(ref _asked);

        /// <summary>Rows asked again whose outcome is now known: ended, or refused by WeChat Pay.</summary>
        public int Settled => Volatile.Read(ref _settled);

        /// <summary>From the start of the sweep (its pause included) to its end; zero when it did not start.</summary>
        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>True for a row that can be asked again and whose code the table has asked again (OUTCOME_UNKNOWN).</summary>
        public static bool Takes(FinishedRow outcome) =>
            !outcome.Success && outcome.AskAgain != null && ResultCodeTable.Of(outcome.Code).AskAgain;

        /// <summary>Whether <see cref="Hold"/> would take the row now (before the sweep started, with room to hold it).</summary>
        public bool WillHold(FinishedRow outcome) => !_closed && _held.Count < _maxHeld && Takes(outcome);

        /// <summary>Holds an open row until the sweep, instead of its result going out now; false when it goes out now.</summary>
        public bool Hold(FinishedRow outcome)
        {
            if (!WillHold(outcome))
            {
                return false;
            }

            _held.Add(outcome);
            Rows++;
            outcome.Diagnostics?.Verbose.Add(Messages.Format("Journal.RowHeldForSweep", outcome.Result.RowNumber, outcome.Code));
            return true;
        }

        /// <summary>
        /// Starts the sweep (no row is held from here): waits <see cref="Wait"/>, and hands back the held rows
        /// as work to queue, in the order they finished. Each one's result when it is not started (the budget was spent,
        /// the run stopped) is its first result, saying why it was not asked again. Ctrl+C
        /// (<paramref name="cancellationToken"/>) ends the wait at once.
        /// </summary>
        public IReadOnlyList<QueuedRow<FinishedRow>> Begin(CancellationToken cancellationToken)
        {
            TimeSpan wait = Wait;
            _closed = true;
            _clock.Start();
            if (wait > TimeSpan.Zero)
            {
                cancellationToken.WaitHandle.WaitOne(wait);
            }

            cancellationToken.ThrowIfCancellationRequested();

            var rows = new List<QueuedRow<FinishedRow>>(_held.Count);
            foreach (FinishedRow held in _held)
            {
                rows.Add(ToQueued(held));
            }

            _held.Clear();
            return rows;
        }

        /// <summary>The sweep's rows are all out: its clock stops.</summary>
        public void End() => _clock.Stop();

        /// <summary>
        /// When the run stops before the sweep: no row is held from here, and the held rows go out as they are, each
        /// saying why it was not asked again (<paramref name="why"/>, a clause) and how to settle it.
        /// </summary>
        public IReadOnlyList<FinishedRow> Release(string why)
        {
            _closed = true;
            var rows = new List<FinishedRow>(_held.Count);
            foreach (FinishedRow held in _held)
            {
                rows.Add(NotAskedAgain(held, why));
            }

            _held.Clear();
            return rows;
        }

        private QueuedRow<FinishedRow> ToQueued(FinishedRow held)
        {
            RowStep ask = held.AskAgain!; // Takes: only rows that can be asked again are held
            Func<CancellationToken, Task<FinishedRow?>> work = ask.Work!;
            return new QueuedRow<FinishedRow>(
                ask.Record,
                async cancellationToken =>
                {
                    Interlocked.Increment(ref _asked);
                    FinishedRow? again = await work(cancellationToken).ConfigureAwait(false);
                    if (again != null && !ResultCodeTable.Of(again.Code).IsOpen)
                    {
                        Interlocked.Increment(ref _settled);
                    }

                    return again;
                },
                why => NotAskedAgain(held, why));
        }

        /// <summary>A held row's first result, saying why it was not asked again and how to settle it; its final record is still to be written.</summary>
        private FinishedRow NotAskedAgain(FinishedRow held, string why)
        {
            PayscoreRowResult result = held.Result;
            result.Message = Messages.Format("Journal.NotAskedAgain", result.Message, why, _howToSettle);
            return new FinishedRow(held.Input, result, held.Diagnostics);
        }
    }
}
