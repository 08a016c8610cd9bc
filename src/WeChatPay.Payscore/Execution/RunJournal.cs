using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// A run's journal: one record per finished row, and one before each row's first request, in a store
    /// (<see cref="IJournalStore"/>) in the <see cref="JournalFormat"/>. The final record of a row is in the store
    /// before the row's result is written to the pipeline; a run that is killed leaves at worst a torn last line,
    /// which the next run drops. What earlier runs recorded is replayed (<see cref="JournalReplay"/>) when it opens.
    /// </summary>
    internal sealed class RunJournal : IDisposable
    {
        /// <summary>The longest line a journal may have (<see cref="JournalFormat.MaxLineBytes"/>).</summary>
        internal const int MaxLineBytes = JournalFormat.MaxLineBytes;

        private readonly IJournalStore _store;
        private readonly bool _readOnly;
        private readonly KeyTable _previous;
        private readonly JournalFormat _records = new JournalFormat();
        private bool _unsynced;
        private Task? _committing;

        private RunJournal(IJournalStore store, bool readOnly, KeyTable previous, int previousRecords, long tornBytes)
        {
            _store = store;
            _readOnly = readOnly;
            _previous = previous;
            PreviousRecords = previousRecords;
            TornBytes = tornBytes;
        }

        /// <summary>What messages call the journal (<see cref="IJournalStore.Name"/>): never a secret.</summary>
        public string Name => _store.Name;

        /// <summary>Records read from an earlier run.</summary>
        public int PreviousRecords { get; }

        /// <summary>Bytes of a torn last line (a run killed while writing) that were dropped.</summary>
        public long TornBytes { get; }

        /// <summary>
        /// Why the journal could not be written (a full disk), once a write failed; null until then. From then on
        /// nothing more is written: the run is to send no further row, and to stop with this error once the rows in
        /// flight have their results out.
        /// </summary>
        public PayscoreException? Failure { get; private set; }

        /// <summary>
        /// Reads what earlier runs recorded in <paramref name="store"/> and drops a torn last line; the journal owns
        /// the store from here. With <paramref name="readOnly"/> (-WhatIf) it only reads, and writes nothing. A store
        /// that does not hold a journal is refused and left as it was.
        /// </summary>
        public static RunJournal Open(IJournalStore store, bool readOnly = false)
        {
            JournalAccess access = readOnly ? JournalAccess.Preview : JournalAccess.Run;
            try
            {
                using (var replay = new JournalReplay())
                {
                    (int records, long read, long complete) = JournalFormat.ReadLines(store, replay.Apply, (why, inner) => access.NotAJournal(store, why, inner));
                    if (readOnly)
                    {
                        store.Dispose(); // -WhatIf holds nothing while the run goes on: another run may take the journal
                    }
                    else if (complete < read && !store.DropTail(complete))
                    {
                        byte[] end = JournalFormat.TornLineEnd(read - complete);
                        store.Append(end, 0, end.Length);
                    }

                    return new RunJournal(store, readOnly, replay.Entries, records, read - complete);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                store.Dispose();
                throw access.Unreadable(store, ex);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        public JournalRowState? Previous(RowKey key) => _previous.TryGet(key, out int state) ? (JournalRowState)state : (JournalRowState?)null;

        /// <summary>
        /// Before a row's first request: in the store once <see cref="Commit"/> returns, which survives the process
        /// being killed. Until then, and when <see cref="Failure"/> says it could not be written, the row must not be sent.
        /// </summary>
        public void RecordSending(long rowNumber, TerminateRequest request)
        {
            if (IsWritable)
            {
                _records.AddSending(rowNumber, request);
            }
        }

        /// <summary>A row's final record; in the store once <see cref="Commit"/> returns, unless <see cref="Failure"/> says otherwise.</summary>
        public void RecordResult(TerminateResult result)
        {
            if (IsWritable)
            {
                _records.AddResult(result);
            }
        }

        /// <summary>Makes every record added so far durable: one append and one sync for a whole group of rows (<see cref="GroupCommitQueue{T}"/>).</summary>
        public void Commit()
        {
            WritePending();
            if (_unsynced && IsWritable)
            {
                try
                {
                    _store.Flush();
                    _unsynced = false;
                }
                catch (IOException ex)
                {
                    Fail(ex);
                }
            }
        }

        /// <summary>
        /// <see cref="Commit"/> on the thread pool, so that the next rows are read while the append is under way; true
        /// once the records are durable, false when <see cref="Failure"/> says they could not be written. Nothing is
        /// added to the journal until it has ended.
        /// </summary>
        public Task<bool> CommitAsync()
        {
            Task<bool> commit = Task.Run(() =>
            {
                Commit();
                return Failure == null;
            });
            _committing = commit;
            return commit;
        }

        public void Dispose()
        {
            try
            {
                // A run stopped (Ctrl+C) while an append was under way: it ends before the store is closed.
                ((IAsyncResult?)_committing)?.AsyncWaitHandle.WaitOne();
                Commit();
            }
            finally
            {
                _store.Dispose();
                _records.Dispose();
            }
        }

        /// <summary>A read-only journal (-WhatIf) is never written; a writable one is written to until a write fails.</summary>
        private bool IsWritable => !_readOnly && Failure == null;

        /// <summary>
        /// Hands the pending records to the store in one append. After a failed append nothing more is written: what
        /// reached the store ends in at most one torn line, which the next run drops.
        /// </summary>
        private void WritePending()
        {
            ArraySegment<byte> pending = _records.Pending;
            if (pending.Count == 0 || !IsWritable)
            {
                return;
            }

            try
            {
                _store.Append(pending.Array!, pending.Offset, pending.Count);
                _unsynced = true;
            }
            catch (IOException ex)
            {
                Fail(ex);
            }
            finally
            {
                _records.Clear();
            }
        }

        private void Fail(IOException ex)
        {
            Failure = new PayscoreException(
                ErrorIds.JournalWriteFailed,
                Messages.Format("Journal.WriteFailed", UserText.ExcerptPath(Name), _store.Reason(ex), _store.WriteFailureAdvice));
        }

        /// <summary>
        /// What the operating system said, as a short excerpt without the paths: its messages quote a path whole,
        /// and a message quotes user values only as excerpts. Give every path the message may name (a file and its
        /// folder); the longest are taken out first, so that a file's path goes whole, not as its folder and a rest.
        /// </summary>
        internal static string Reason(Exception ex, params string[] paths)
        {
            var names = new List<string>();
            foreach (string path in paths)
            {
                foreach (string? name in new[] { FullPathOrNull(path), path })
                {
                    if (!string.IsNullOrEmpty(name) && !names.Contains(name!))
                    {
                        names.Add(name!);
                    }
                }
            }

            names.Sort((a, b) => b.Length.CompareTo(a.Length));
            string message = ex.Message;
            foreach (string name in names)
            {
                message = message.Replace(" : '" + name + "'", string.Empty).Replace(name, "…");
            }

            return UserText.Excerpt(message.Trim().TrimEnd('.'));
        }

        private static string? FullPathOrNull(string path)
        {
            try
            {
                return System.IO.Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is IOException || ex is System.Security.SecurityException)
            {
                return null;
            }
        }
    }
}
