using System;
using System.Diagnostics;
using System.Globalization;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// How long a run may start rows (-StopAfter), from the start of the command: once it is spent no new row starts,
    /// so that a job with a hard limit (Azure Automation stops a cloud job after 3 hours) ends on its own, with every
    /// row accounted for, instead of being killed mid-row. A run without a budget is never spent.
    /// </summary>
    internal sealed class TimeBudget
    {
        private readonly Stopwatch _clock;
        private bool _spent;

        private TimeBudget(TimeSpan? limit, Stopwatch clock)
        {
            Limit = limit;
            _clock = clock;
        }

        /// <summary>The budget; null for a run without one.</summary>
        public TimeSpan? Limit { get; }

        /// <summary>True once the budget is spent; it stays spent, so that no row after the first one left out starts.</summary>
        public bool IsSpent
        {
            get
            {
                if (!_spent && Limit.HasValue && _clock.Elapsed >= Limit.Value)
                {
                    _spent = true;
                }

                return _spent;
            }
        }

        /// <summary>What is left of the budget (zero once it is spent); null for a run without one.</summary>
        public TimeSpan? Remaining
        {
            get
            {
                if (!Limit.HasValue)
                {
                    return null;
                }

                TimeSpan left = Limit.Value - _clock.Elapsed;
                return IsSpent || left <= TimeSpan.Zero ? TimeSpan.Zero : left;
            }
        }

        /// <summary>
        /// Starts the clock of a run's budget (null: none). A budget that is not above zero would be spent before the
        /// first row: a configuration error, before anything is sent.
        /// </summary>
        public static TimeBudget Start(TimeSpan? limit, Stopwatch? clock = null)
        {
            if (limit <= TimeSpan.Zero)
            {
                throw new PayscoreException(ErrorIds.StopAfterInvalid, Messages.Format("Journal.StopAfterNotAboveZero", Show(limit.Value)));
            }

            return new TimeBudget(limit, clock ?? Stopwatch.StartNew());
        }

        /// <summary>Why a row was not started, or not asked about again, once the budget was spent: a clause, in its result.</summary>
        public static string SpentClause => Messages.Format("Journal.TimeBudgetSpent");

        /// <summary>
        /// The one warning of a run that left rows out: how many, why (the budget, or the error id the run stopped
        /// with, <paramref name="stoppedBy"/>), and (<paramref name="howToContinue"/>, which the command knows) how to send them.
        /// </summary>
        public string NotStartedWarning(long notStarted, string? stoppedBy, string howToContinue)
        {
            if (stoppedBy == null)
            {
                string budget = Show(Limit ?? TimeSpan.Zero);
                return notStarted == 1
                    ? Messages.Format("Journal.OneRowNotStartedBudgetSpent", budget, ResultCodes.NotStarted, howToContinue)
                    : Messages.Format("Journal.RowsNotStartedBudgetSpent", UserText.Count(notStarted), budget, ResultCodes.NotStarted, howToContinue);
            }

            return notStarted == 1
                ? Messages.Format("Journal.OneRowNotStartedRunStopped", stoppedBy, ResultCodes.NotStarted, howToContinue)
                : Messages.Format("Journal.RowsNotStartedRunStopped", UserText.Count(notStarted), stoppedBy, ResultCodes.NotStarted, howToContinue);
        }

        private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
    }
}
