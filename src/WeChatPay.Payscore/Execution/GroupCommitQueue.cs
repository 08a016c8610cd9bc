using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>A row read and waiting to be sent: its journal record, its work, and the result it gets when it is never started.</summary>
    internal sealed class QueuedRow<T>
        where T : class
    {
        public QueuedRow(Action record, Func<CancellationToken, Task<T?>> work, Func<string, T> notStarted)
        {
            Record = record;
            Work = work;
            NotStarted = notStarted;
        }

        /// <summary>Adds the row's "sending" record to the journal's records not yet written (nothing without a journal).</summary>
        public Action Record { get; }

        /// <summary>The row's requests and its result, run on the dispatcher's threads.</summary>
        public Func<CancellationToken, Task<T?>> Work { get; }

        /// <summary>The row's result when it is left out, given why (a clause): nothing was sent for it.</summary>
        public Func<string, T> NotStarted { get; }
    }

    /// <summary>
    /// The rows of a run between being read and being started, and between finishing and being written out, so that
    /// the journal gets their records in groups: the "sending" records of many rows in one append, durable before any
    /// of those rows is sent, and the final records of many rows in the same append, durable before any of their
    /// results goes out. One append per record would cap a run: an append blob holds 50,000 appends (a million-row
    /// run writes two million records), each append to storage is a round trip, and each append to a file a sync.
    /// </summary>
    /// <remarks>
    /// One append is in progress at a time, on the thread pool, while the pipeline reads the next rows ahead (up to
    /// <see cref="ReadAhead"/>); those form the next group. A group is written when a slot would otherwise wait for a
    /// row (no row whose record is durable is left to start), or when <see cref="ReadAhead"/> finished rows wait for
    /// theirs, or when a finished row has waited <see cref="DefaultMaxHold"/>. So a group holds the rows read while the last append was under way: with a quick input (a CSV) and
    /// appends of milliseconds, tens of rows; with rows typed one by one, each row alone, written and sent at once.
    /// A run killed between a group's append and its rows' requests leaves at most <see cref="ReadAhead"/> rows
    /// recorded as being sent that were not: a rerun asks about each of them before sending it (one query). A row left
    /// out before its group was written (a spent time budget) has no record at all: the rerun sends it as a new row.
    /// Without a journal nothing waits: <see cref="ReadAhead"/> is 0, results go out as rows finish, and a row is read
    /// only once a slot is free for it.
    /// Used on the pipeline thread only; the work and the appends run on the thread pool.
    /// </remarks>
    internal sealed class GroupCommitQueue<T>
        where T : class
    {
        /// <summary>How many rows a run with a journal reads ahead of its slots, and how many finished rows wait for one append.</summary>
        internal const int DefaultReadAhead = 100;

        /// <summary>
        /// The longest a finished row waits for its group when fewer than <see cref="ReadAhead"/> wait: its result is
        /// out, and its record in the journal (what a rerun after a kill reads instead of asking), within about this.
        /// </summary>
        internal static readonly TimeSpan DefaultMaxHold = TimeSpan.FromSeconds(1);

        private readonly BoundedDispatcher<T> _dispatcher;
        private readonly int _slots;
        private readonly Func<IReadOnlyList<T>, Task<bool>> _commit;
        private readonly Queue<QueuedRow<T>> _unrecorded = new Queue<QueuedRow<T>>();
        private readonly Queue<QueuedRow<T>> _recording = new Queue<QueuedRow<T>>();
        private readonly Queue<QueuedRow<T>> _recorded = new Queue<QueuedRow<T>>();
        private readonly List<T> _finished = new List<T>();
        private readonly List<T> _finishedRecording = new List<T>();
        private readonly Func<T, bool> _stopsTheRun;
        private readonly Func<T, bool>? _hold;
        private readonly TimeSpan _maxHold;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _firstFinishedAt;
        private Task<bool>? _append;
        private bool _stopComing;

        /// <param name="dispatcher">What runs the rows' work.</param>
        /// <param name="slots">How many rows' work runs at once (-ThrottleLimit).</param>
        /// <param name="readAhead">Rows read ahead of the slots; 0 without a journal.</param>
        /// <param name="commit">
        /// Adds the final records of the finished rows it is given to the journal, then starts handing every record
        /// not yet written (the group's "sending" records among them) to its store in one append; its task says once
        /// they are durable (true), or that the journal cannot be written (false).
        /// </param>
        /// <param name="stopsTheRun">
        /// True for a finished row whose result will stop the run when it goes out (a failure under -ErrorAction Stop):
        /// no further row starts, and its group is written at once.
        /// </param>
        /// <param name="maxHold">The longest a finished row waits for its group (<see cref="DefaultMaxHold"/>).</param>
        /// <param name="hold">
        /// True for a finished row that its caller takes over instead (a row held for <see cref="OutcomeSweep"/>): it
        /// gets no final record and does not go out, until it comes back finished again.
        /// </param>
        public GroupCommitQueue(
            BoundedDispatcher<T> dispatcher,
            int slots,
            int readAhead,
            Func<IReadOnlyList<T>, Task<bool>> commit,
            Func<T, bool>? stopsTheRun = null,
            TimeSpan? maxHold = null,
            Func<T, bool>? hold = null)
        {
            if (slots < 1 || readAhead < 0)
            {
                throw new ArgumentOutOfRangeException(slots < 1 ? nameof(slots) : nameof(readAhead));
            }

            _dispatcher = dispatcher;
            _slots = slots;
            ReadAhead = readAhead;
            _commit = commit;
            _stopsTheRun = stopsTheRun ?? (_ => false);
            _maxHold = maxHold ?? DefaultMaxHold;
            _hold = hold;
        }

        public int ReadAhead { get; }

        /// <summary>Rows read and not yet started.</summary>
        public int Queued => _unrecorded.Count + _recording.Count + _recorded.Count;

        /// <summary>Rows finished and not yet out: their group is not written yet.</summary>
        public int Held => _finished.Count + _finishedRecording.Count;

        /// <summary>How many appends the queue started: a group's rows and results share one.</summary>
        public int Commits { get; private set; }

        /// <summary>True once an append failed: nothing more starts, and the run is to stop (<see cref="Settle"/>).</summary>
        public bool Failed { get; private set; }

        /// <summary>A row read and accepted to be sent: its "sending" record goes into the next group.</summary>
        public void Add(QueuedRow<T> row) => _unrecorded.Enqueue(row);

        /// <summary>
        /// Rows that finished (without a request, or their work did): they go out once their group is written, in this
        /// order; but for those the caller holds (see the constructor).
        /// </summary>
        public void Finished(IReadOnlyList<T> rows)
        {
            foreach (T row in rows)
            {
                if (_hold != null && _hold(row))
                {
                    continue;
                }

                if (_finished.Count == 0)
                {
                    _firstFinishedAt = _clock.Elapsed;
                }

                _finished.Add(row);
                _stopComing |= _stopsTheRun(row);
            }
        }

        /// <summary>
        /// Starts the rows whose records are durable as slots free, writes a group when a slot would wait or enough
        /// finished rows wait, and hands the results of written groups to <paramref name="writeOut"/>. Returns true
        /// once the next input row may be read (the read-ahead has room; without a journal, a slot is free), or with
        /// <paramref name="endOfInput"/> once every row has finished and gone out; false as soon as an append failed.
        /// <paramref name="leftOut"/> says why queued rows must not start (a spent time budget), or null.
        /// </summary>
        public bool Pump(Action<IReadOnlyList<T>> writeOut, Func<string?> leftOut, bool endOfInput, CancellationToken cancellationToken)
        {
            while (true)
            {
                _dispatcher.Drain(Finished);
                if (!Appended(writeOut))
                {
                    return false;
                }

                if (Queued > 0 && leftOut() is string why)
                {
                    LeaveOut(why);
                }

                StartRecorded(cancellationToken);
                int inFlight = _dispatcher.InFlight;

                // Work hands back its result before it counts itself out: a row not counted above has its result in
                // the dispatcher's queue now (it may have ended while results went out), and is taken here.
                _dispatcher.Drain(Finished);
                bool slotWaits = inFlight < _slots && _recorded.Count == 0;
                bool allDone = endOfInput && Queued == 0 && inFlight == 0;
                TimeSpan held = _finished.Count > 0 ? _clock.Elapsed - _firstFinishedAt : TimeSpan.Zero;
                bool resultsDue = _finished.Count > 0 && (_finished.Count >= ReadAhead || held >= _maxHold || allDone || _stopComing);
                if (_append == null && ((_unrecorded.Count > 0 && slotWaits) || resultsDue))
                {
                    BeginAppend();
                    continue;
                }

                if (endOfInput
                    ? allDone && _append == null && _finished.Count == 0
                    : Queued < ReadAhead || (Queued == 0 && inFlight < _slots))
                {
                    return true;
                }

                // Every slot is busy, or the read-ahead is full, or everything waits for the append: a row finishing
                // or the append ending wakes this.
                _dispatcher.WaitForSignal(Finished, _finished.Count > 0 && _append == null ? _maxHold - held : Timeout.InfiniteTimeSpan, cancellationToken);
            }
        }

        /// <summary>
        /// When the run stops early: no queued row starts (each gets its not-started result, saying
        /// <paramref name="why"/>), the rows in flight finish, and every result goes out, after one last append
        /// (whose failure is the stop's own cause, or is left to the next run: the results go out all the same).
        /// </summary>
        public void Settle(string why, Action<IReadOnlyList<T>> writeOut, CancellationToken cancellationToken)
        {
            WaitForAppend(writeOut);
            LeaveOut(why);
            _dispatcher.WaitForAll(Finished, cancellationToken);
            if (!Failed)
            {
                BeginAppend();
                WaitForAppend(writeOut);
            }

            _finished.InsertRange(0, _finishedRecording);
            _finishedRecording.Clear();
            _stopComing = false;
            if (_finished.Count > 0)
            {
                T[] rest = _finished.ToArray();
                _finished.Clear();
                writeOut(rest);
            }
        }

        private void StartRecorded(CancellationToken cancellationToken)
        {
            while (_recorded.Count > 0 && _dispatcher.InFlight < _slots && !_stopComing)
            {
                QueuedRow<T> row = _recorded.Dequeue();
                _dispatcher.Start(() => row.Work(cancellationToken));
            }
        }

        /// <summary>
        /// Every queued row, in input order, gets its not-started result instead of its request; but for the rows of
        /// an append under way, which are left out once it ends.
        /// </summary>
        private void LeaveOut(string why)
        {
            var leftOut = new List<T>(Queued);
            foreach (Queue<QueuedRow<T>> queue in _append == null ? new[] { _recorded, _recording, _unrecorded } : new[] { _recorded, _unrecorded })
            {
                while (queue.Count > 0)
                {
                    leftOut.Add(queue.Dequeue().NotStarted(why));
                }
            }

            Finished(leftOut);
        }

        /// <summary>Starts the append of a group: the rows read since the last one, and the rows that finished since.</summary>
        private void BeginAppend()
        {
            Commits++;
            while (_unrecorded.Count > 0)
            {
                QueuedRow<T> row = _unrecorded.Dequeue();
                row.Record();
                _recording.Enqueue(row);
            }

            _finishedRecording.AddRange(_finished);
            _finished.Clear();
            Task<bool> append = _commit(_finishedRecording);
            _append = append;

            // The pipeline thread may be waiting for a row to finish: the append's end wakes it too.
            if (!append.IsCompleted)
            {
                _ = append.ContinueWith(_ => _dispatcher.Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        /// <summary>
        /// Takes the end of the append under way, if it has ended: its rows may start and its results go out. False
        /// once an append failed (its rows stay queued, for <see cref="Settle"/> to leave out).
        /// </summary>
        private bool Appended(Action<IReadOnlyList<T>> writeOut)
        {
            if (_append == null || !_append.IsCompleted)
            {
                return !Failed;
            }

            bool written = _append.GetAwaiter().GetResult(); // an append that threw is a defect: it surfaces as itself
            _append = null;
            if (!written)
            {
                Failed = true; // its rows stay where they are: never durable, they never start
                return false;
            }

            while (_recording.Count > 0)
            {
                _recorded.Enqueue(_recording.Dequeue());
            }

            if (_finishedRecording.Count > 0)
            {
                T[] batch = _finishedRecording.ToArray();
                _finishedRecording.Clear();
                _stopComing = _finished.Exists(row => _stopsTheRun(row)); // the stop is in this batch, unless a later one has its own
                writeOut(batch);
            }

            return true;
        }

        private void WaitForAppend(Action<IReadOnlyList<T>> writeOut)
        {
            if (_append != null)
            {
                // An append gives up by itself (the store's retries end): it is waited for whole, not cancelled halfway.
                ((IAsyncResult)_append).AsyncWaitHandle.WaitOne();
                Appended(writeOut);
            }
        }
    }
}
