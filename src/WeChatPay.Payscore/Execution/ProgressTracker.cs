using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>Counts a run's rows (by code too, for its summary) and says, at most a few times a second, how far it is.</summary>
    internal sealed class ProgressTracker
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        private readonly Stopwatch _clock;
        private readonly SortedDictionary<string, long> _codes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        private TimeSpan? _lastReport;

        public ProgressTracker(long? total, Stopwatch? clock = null)
        {
            Total = total > 0 ? total : null;
            _clock = clock ?? Stopwatch.StartNew();
        }

        public long? Total { get; }

        public long Done { get; private set; }

        public long Failed { get; private set; }

        /// <summary>Results per code so far, by code (a copy).</summary>
        public IReadOnlyDictionary<string, long> CountByCode() => new SortedDictionary<string, long>(_codes, StringComparer.Ordinal);

        public TimeSpan Elapsed => _clock.Elapsed;

        public void Count(bool success, string? code = null)
        {
            Done++;
            if (!success)
            {
                Failed++;
            }

            if (code != null)
            {
                _codes[code] = _codes.TryGetValue(code, out long count) ? count + 1 : 1;
            }
        }

        /// <summary>True when a report is due (the first time, then every quarter second).</summary>
        public bool IsDue()
        {
            TimeSpan now = _clock.Elapsed;
            if (_lastReport.HasValue && now - _lastReport.Value < Interval)
            {
                return false;
            }

            _lastReport = now;
            return true;
        }

        public double RowsPerSecond
        {
            get
            {
                double seconds = _clock.Elapsed.TotalSeconds;
                return seconds > 0 ? Done / seconds : 0;
            }
        }

        /// <summary>Percent complete, or -1 when the total is not known.</summary>
        public int Percent => Total.HasValue ? (int)Math.Min(100, Done * 100 / Total.Value) : -1;

        /// <summary>Seconds left at the current pace, or -1 when not known.</summary>
        public int SecondsRemaining
        {
            get
            {
                double rate = RowsPerSecond;
                if (!Total.HasValue || rate <= 0)
                {
                    return -1;
                }

                return (int)Math.Max(0, Math.Ceiling((Total.Value - Done) / rate));
            }
        }

        /// <summary>The progress status line: rows done (of the total, when known), failed, and the pace.</summary>
        public string Status
        {
            get
            {
                string pace = RowsPerSecond.ToString("N1", CultureInfo.InvariantCulture);
                return Total.HasValue
                    ? Messages.Format("Journal.ProgressOfTotal", UserText.Count(Done), UserText.Count(Total.Value), UserText.Count(Failed), pace)
                    : Messages.Format("Journal.Progress", UserText.Count(Done), UserText.Count(Failed), pace);
            }
        }
    }
}
