using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// What a bulk run did, written once at its end (also when the module stopped it) as an Information record tagged
    /// <see cref="Tag"/>, never to the output: <c>-InformationVariable</c> and runbook logs get it; the host shows it
    /// with <c>-InformationAction Continue</c>, and <c>-Verbose</c> shows the same line.
    /// </summary>
    public sealed class RunSummary
    {
        /// <summary>The tag of the Information record that carries the summary.</summary>
        public const string Tag = "WeChatPay.Payscore.Summary";

        internal RunSummary(string command, long rowsIn, IReadOnlyDictionary<string, long> codes, long succeeded, TimeSpan elapsed, string? journalPath, string? stoppedBy)
        {
            Command = command;
            RowsIn = rowsIn;
            Codes = codes;
            Results = codes.Values.Sum();
            Succeeded = succeeded;
            Failed = Results - succeeded;
            NotStarted = codes.TryGetValue(ResultCodes.NotStarted, out long notStarted) ? notStarted : 0;
            Elapsed = elapsed;
            RowsPerSecond = elapsed.TotalSeconds > 0 ? Results / elapsed.TotalSeconds : 0;
            JournalPath = journalPath;
            StoppedBy = stoppedBy;
        }

        /// <summary>Invoke-WxPayscoreTerminate or Get-WxPayscorePermission.</summary>
        public string Command { get; }

        /// <summary>Input rows the run took in.</summary>
        public long RowsIn { get; }

        /// <summary>Rows with a result (fewer than <see cref="RowsIn"/> only when a row was declined at a confirmation prompt).</summary>
        public long Results { get; }

        public long Succeeded { get; }

        public long Failed { get; }

        /// <summary>
        /// Rows not started because the time budget (-StopAfter) was spent (NOT_STARTED, counted in <see cref="Failed"/>
        /// too): nothing was sent for them, and the rerun with the same journal sends them. 0 when the run got through.
        /// </summary>
        public long NotStarted { get; }

        /// <summary>Results per code (OK, SETTLED_BY_QUERY, INVALID_INPUT, WeChat Pay's codes, ...), by code.</summary>
        public IReadOnlyDictionary<string, long> Codes { get; }

        /// <summary>From the start of the run to its last result.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>Results per second over <see cref="Elapsed"/>.</summary>
        public double RowsPerSecond { get; }

        /// <summary>The journal of the run; null without -JournalPath.</summary>
        public string? JournalPath { get; }

        /// <summary>The error id of the module's terminating error that stopped the run (WechatpayUnreachable, ...); null when the run went through.</summary>
        public string? StoppedBy { get; }

        /// <summary>
        /// Rows whose outcome was not known when they finished (OUTCOME_UNKNOWN: the answer was lost or untrusted, and
        /// so was the query's), held back to be asked about again once the input had ended.
        /// 0 when every row's outcome was known at once.
        /// </summary>
        public long SweepRows { get; internal set; }

        /// <summary>Of <see cref="SweepRows"/>, those asked about again (fewer when the time budget was spent or the run stopped first).</summary>
        public long SweepAsked { get; internal set; }

        /// <summary>Of <see cref="SweepAsked"/>, those whose outcome is known now: ended, or refused by WeChat Pay.</summary>
        public long SweepSettled { get; internal set; }

        /// <summary>How long asking again took, its pause included.</summary>
        public TimeSpan SweepElapsed { get; internal set; }

        /// <summary>One line: rows, elapsed, rate, the count per code (most first), the rows asked about again, the journal, and what stopped the run.</summary>
        public override string ToString()
        {
            string codes = Codes.Count == 0
                ? Messages.Format("Result.SummaryNoResults")
                : string.Join(", ", Codes.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}", c.Value, c.Key)));
            // Sentences, joined by a space here: a message's text cannot start with one.
            var sentences = new List<string>
            {
                Messages.Format("Result.Summary", Command, RowsIn, Results, Elapsed.TotalSeconds, RowsPerSecond, codes),
            };
            if (SweepRows > 0)
            {
                sentences.Add(SweepText());
            }

            if (JournalPath != null)
            {
                sentences.Add(Messages.Format("Result.SummaryJournal", JournalPath));
            }

            if (StoppedBy != null)
            {
                sentences.Add(Messages.Format("Result.SummaryStoppedEarly", StoppedBy));
            }

            return string.Join(" ", sentences);
        }

        private string SweepText() =>
            SweepRows == 1
                ? Messages.Format("Result.SummarySweepOne", SweepAsked, SweepSettled, SweepRows - SweepSettled, SweepElapsed.TotalSeconds)
                : Messages.Format("Result.SummarySweep", SweepRows, SweepAsked, SweepSettled, SweepRows - SweepSettled, SweepElapsed.TotalSeconds);
    }
}
