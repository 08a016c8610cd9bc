using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// Reads a run's journal for Get-WxPayscoreJournal: what each authorization came to, replayed as a run replays
    /// it when it resumes (<see cref="JournalReplay"/>), so that both say the same of every row. It writes nothing
    /// and holds nothing: a run may write the journal meanwhile, or start.
    /// </summary>
    /// <remarks>
    /// The store is read twice, so that memory stays near flat however long the journal is. The first reading
    /// replays every record into each row's state and notes which record set it last (two <see cref="KeyTable"/>s);
    /// the second hands out each row at that record, with its values. Records a run appends in between lie beyond
    /// the records the first reading counted, and are left for the next reading, as is a last line without its end
    /// (a run killed while writing it, or writing it now), which a run resuming the journal drops as well.
    /// </remarks>
    internal sealed class JournalReader
    {
        private readonly Func<IJournalStore> _open;

        /// <param name="open">Opens the store to be read (<see cref="JournalAccess.Reader"/>): anew for each reading.</param>
        public JournalReader(Func<IJournalStore> open)
        {
            _open = open;
        }

        /// <summary>The journal at <paramref name="pathOrAddress"/>: a file's full path, or a blob's URL with a SAS token.</summary>
        public static JournalReader Of(string pathOrAddress) => new JournalReader(() => JournalAccess.Reader.Open(pathOrAddress));

        /// <summary>
        /// Hands every authorization the journal names to <paramref name="row"/> with its last state, in the order of
        /// the records that set them, or only those whose state is in <paramref name="states"/> when given. A store
        /// that is not a journal is refused (JournalInvalid) as a run refuses it, one that cannot be opened or read
        /// gets JournalUnavailable, a missing one JournalNotFound; all are <see cref="PayscoreException"/>.
        /// What <paramref name="row"/> throws goes through as it is.
        /// </summary>
        public JournalReading Read(ICollection<JournalRowState>? states, Action<JournalRow> row)
        {
            // First reading: each row's record number that set its state last.
            var last = new KeyTable(fullKeys: true);
            int counted = 0;
            JournalReading reading;
            using (var replay = new JournalReplay((key, entry, record) => last.Set(key, counted)))
            {
                reading = ReadOnce(line =>
                {
                    counted++;
                    replay.Apply(line);
                });
                reading.Rows = replay.Entries.Count;
            }

            // Second reading: each row at that record, which the replay meets with the row's last state.
            int number = 0;
            JournalRow? found = null;
            ExceptionDispatchInfo? failed = null;
            using (var replay = new JournalReplay((key, entry, record) =>
            {
                if (last.TryGet(key, out int setLast) && setLast == number && (states == null || states.Contains(entry)))
                {
                    found = JournalFormat.ReadRow(record, entry);
                }
            }))
            {
                try
                {
                    ReadOnce(line =>
                    {
                        if (++number > counted)
                        {
                            throw new EndOfReading();
                        }

                        found = null;
                        replay.Apply(line);
                        if (found != null)
                        {
                            try
                            {
                                row(found);
                                reading.Shown++;
                            }
                            catch (Exception ex)
                            {
                                // Not through the line reader, which would take a FormatException for a bad record.
                                failed = ExceptionDispatchInfo.Capture(ex);
                                throw new EndOfReading();
                            }
                        }
                    });
                }
                catch (EndOfReading)
                {
                    failed?.Throw();
                }
            }

            return reading;
        }

        /// <summary>Opens the store, hands each record to <paramref name="record"/>, and closes it.</summary>
        private JournalReading ReadOnce(Action<ReadOnlyMemory<byte>> record)
        {
            IJournalStore store = _open();
            try
            {
                (int records, long read, long complete) = JournalFormat.ReadLines(store, record, (why, inner) => JournalAccess.Reader.NotAJournal(store, why, inner));
                return new JournalReading(store.Name, records, read - complete);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw JournalAccess.Reader.Unreadable(store, ex);
            }
            finally
            {
                store.Dispose();
            }
        }

        /// <summary>Ends a reading before the store's end: past the records the first reading counted, or when the output failed.</summary>
        private sealed class EndOfReading : Exception
        {
        }
    }

    /// <summary>What <see cref="JournalReader.Read"/> read.</summary>
    internal sealed class JournalReading
    {
        public JournalReading(string name, int records, long tornBytes)
        {
            Name = name;
            Records = records;
            TornBytes = tornBytes;
        }

        /// <summary>The journal's name for messages (<see cref="IJournalStore.Name"/>): never a secret.</summary>
        public string Name { get; }

        /// <summary>The records read.</summary>
        public int Records { get; }

        /// <summary>The bytes of a last line without its end, which were left out.</summary>
        public long TornBytes { get; }

        /// <summary>The authorizations the journal names.</summary>
        public int Rows { get; internal set; }

        /// <summary>The rows handed out (those of the states asked for).</summary>
        public int Shown { get; internal set; }
    }
}
