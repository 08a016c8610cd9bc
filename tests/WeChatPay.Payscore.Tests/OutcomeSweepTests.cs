using System.Diagnostics;
using WeChatPay.Payscore.Execution;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The sweep on its own: which rows it holds back (those the result code table has asked again, OUTCOME_UNKNOWN, and
/// that can be asked again), how it hands them back as work once the input has ended, what a row that is not asked again says,
/// and that the time budget and Ctrl+C bound its pause.
/// </summary>
public sealed class OutcomeSweepTests
{
    private const string HowToSettle = "Run the same command with the same -JournalPath to settle it.";

    /// <summary>A finished row; with <paramref name="askAgain"/>, one that can be asked again, which then ends with <paramref name="then"/>.</summary>
    private static FinishedRow Row(long number, string code, bool success = false, bool askAgain = true, string then = ResultCodes.SettledByQuery, Action? record = null)
    {
        var result = new TerminateResult { RowNumber = number, Code = code, Success = success, Message = $"First answer of row {number}." };
        RowStep? again = askAgain
            ? RowStep.Send(
                _ => Task.FromResult<FinishedRow?>(new FinishedRow(
                    number,
                    new TerminateResult { RowNumber = number, Code = then, Success = ResultCodeTable.Of(then).Outcome == AuthorizationOutcome.Ended },
                    null)),
                record)
            : null;
        return new FinishedRow(number, result, null, askAgain: again);
    }

    private static TimeBudget NoBudget() => TimeBudget.Start(null);

    private static OutcomeSweep Sweep(TimeSpan? pause = null, TimeBudget? budget = null, int maxHeld = OutcomeSweep.DefaultMaxHeld) =>
        new(pause ?? TimeSpan.Zero, budget ?? NoBudget(), HowToSettle, maxHeld);

    [Theory]
    [InlineData(ResultCodes.OutcomeUnknown, false, true, true)]
    [InlineData(ResultCodes.OutcomeUnknown, false, false, false)] // nothing to ask again with
    // Open, but not a failed settlement: retries ran out after the query said AVAILABLE, or nothing was sent (a TLS
    // failure), or the answer was a gateway's: the row's own path already did what asking again would.
    [InlineData(ResultCodes.Timeout, false, true, false)]
    [InlineData(ResultCodes.NetworkError, false, true, false)]
    [InlineData(ResultCodes.SignatureProbe, false, true, false)]
    [InlineData(ResultCodes.UnexpectedResponse, false, true, false)]
    [InlineData(ResultCodes.InternalError, false, true, false)]
    [InlineData(ResultCodes.Ok, true, true, false)]
    [InlineData(ResultCodes.SettledByQuery, true, true, false)]
    [InlineData("SYSTEM_ERROR", false, true, false)] // refused: nothing changed, nothing open
    [InlineData("NO_AUTH", false, true, false)]
    [InlineData(ResultCodes.InvalidInput, false, true, false)]
    [InlineData(ResultCodes.NotStarted, false, true, false)]
    public void Only_rows_whose_settling_query_failed_and_that_can_be_asked_again_are_held(string code, bool success, bool askAgain, bool held)
    {
        OutcomeSweep sweep = Sweep();

        Assert.Equal(held, sweep.Hold(Row(1, code, success, askAgain)));
        Assert.Equal(held ? 1 : 0, sweep.Held);
        Assert.Equal(held ? 1 : 0, sweep.Rows);
    }

    [Fact]
    public void At_most_max_held_rows_are_held_and_later_ones_go_out_at_once()
    {
        OutcomeSweep sweep = Sweep(maxHeld: 2);

        Assert.True(sweep.Hold(Row(1, ResultCodes.OutcomeUnknown)));
        Assert.True(sweep.WillHold(Row(2, ResultCodes.OutcomeUnknown)));
        Assert.True(sweep.Hold(Row(2, ResultCodes.OutcomeUnknown)));
        Assert.False(sweep.WillHold(Row(3, ResultCodes.OutcomeUnknown)));
        Assert.False(sweep.Hold(Row(3, ResultCodes.OutcomeUnknown)));
        Assert.Equal(2, sweep.Held);
    }

    [Fact]
    public void Begin_hands_back_the_held_rows_in_order_and_holds_nothing_more()
    {
        var recorded = new List<long>();
        OutcomeSweep sweep = Sweep();
        foreach (long number in new long[] { 4, 2, 9 })
        {
            sweep.Hold(Row(number, ResultCodes.OutcomeUnknown, record: () => recorded.Add(number)));
        }

        IReadOnlyList<QueuedRow<FinishedRow>> rows = sweep.Begin(CancellationToken.None);

        Assert.Equal(3, rows.Count);
        Assert.Equal(0, sweep.Held);
        foreach (QueuedRow<FinishedRow> row in rows)
        {
            row.Record();
        }

        Assert.Equal([4L, 2L, 9L], recorded); // each row's own journal record, in the order they finished
        Assert.False(sweep.Hold(Row(5, ResultCodes.OutcomeUnknown)));
        Assert.False(sweep.WillHold(Row(5, ResultCodes.OutcomeUnknown)));
    }

    [Fact]
    public async Task The_work_counts_the_rows_asked_and_those_whose_outcome_is_known_now()
    {
        OutcomeSweep sweep = Sweep();
        sweep.Hold(Row(1, ResultCodes.OutcomeUnknown, then: ResultCodes.SettledByQuery));
        sweep.Hold(Row(2, ResultCodes.OutcomeUnknown, then: ResultCodes.Ok));
        sweep.Hold(Row(3, ResultCodes.OutcomeUnknown, then: ResultCodes.OutcomeUnknown));
        sweep.Hold(Row(4, ResultCodes.OutcomeUnknown, then: "NO_AUTH")); // refused: known, not ended
        sweep.Hold(Row(5, ResultCodes.OutcomeUnknown));
        IReadOnlyList<QueuedRow<FinishedRow>> rows = sweep.Begin(CancellationToken.None);

        var results = new List<FinishedRow?>();
        foreach (QueuedRow<FinishedRow> row in rows.Take(4))
        {
            results.Add(await row.Work(CancellationToken.None));
        }

        Assert.Equal([ResultCodes.SettledByQuery, ResultCodes.Ok, ResultCodes.OutcomeUnknown, "NO_AUTH"], results.Select(r => r!.Code));
        Assert.Equal((5, 4, 3), (sweep.Rows, sweep.Asked, sweep.Settled));
    }

    [Fact]
    public void A_row_left_out_of_the_sweep_keeps_its_result_and_says_why_and_how_to_settle_it()
    {
        OutcomeSweep sweep = Sweep();
        FinishedRow held = Row(7, ResultCodes.OutcomeUnknown);
        sweep.Hold(held);
        QueuedRow<FinishedRow> row = Assert.Single(sweep.Begin(CancellationToken.None));

        FinishedRow left = row.NotStarted(TimeBudget.SpentClause);

        Assert.Equal((ResultCodes.OutcomeUnknown, false, 7L), (left.Code, left.Success, left.Result.RowNumber));
        Assert.Equal(
            "First answer of row 7. It was not asked about again at the end of the input: the run's time budget (-StopAfter) was spent. " + HowToSettle,
            left.Result.Message);
        Assert.False(left.Journaled); // its record is written again, after the "sending" record the sweep may have written
        Assert.Null(left.AskAgain);
        Assert.Equal((1, 0, 0), (sweep.Rows, sweep.Asked, sweep.Settled));
    }

    [Fact]
    public void Release_hands_back_the_held_rows_as_they_are_and_holds_nothing_more()
    {
        OutcomeSweep sweep = Sweep();
        sweep.Hold(Row(1, ResultCodes.OutcomeUnknown));
        sweep.Hold(Row(2, ResultCodes.OutcomeUnknown));

        IReadOnlyList<FinishedRow> released = sweep.Release("the run stopped (WechatpayUnreachable)");

        Assert.Equal([1L, 2L], released.Select(r => r.Result.RowNumber));
        Assert.All(released, r =>
        {
            Assert.False(r.Success);
            Assert.Contains("not asked about again at the end of the input: the run stopped (WechatpayUnreachable). " + HowToSettle, r.Result.Message);
            Assert.Null(r.AskAgain);
        });
        Assert.Equal(0, sweep.Held);
        Assert.False(sweep.Hold(Row(3, ResultCodes.OutcomeUnknown)));
        Assert.Empty(sweep.Begin(CancellationToken.None));
    }

    [Fact]
    public void Ctrl_C_ends_the_pause_before_the_sweep()
    {
        OutcomeSweep sweep = Sweep(pause: TimeSpan.FromHours(1));
        sweep.Hold(Row(1, ResultCodes.OutcomeUnknown));
        using var stopping = new CancellationTokenSource();

        Task<IReadOnlyList<QueuedRow<FinishedRow>>> begun = Task.Run(() => sweep.Begin(stopping.Token));
        stopping.Cancel();

        // A guard against a hang, not a measurement: an uncancellable pause would last an hour.
        Assert.True(((IAsyncResult)begun).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the pause ended when the run was stopped");
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Throws<AggregateException>(() => begun.Wait()).InnerException);
    }

    [Fact]
    public void A_budget_that_cannot_hold_the_pause_asks_at_once()
    {
        // The budget's clock stands still at zero: a minute is left, less than the hour's pause.
        OutcomeSweep sweep = Sweep(pause: TimeSpan.FromHours(1), budget: TimeBudget.Start(TimeSpan.FromMinutes(1), new Stopwatch()));
        sweep.Hold(Row(1, ResultCodes.OutcomeUnknown));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a waiting sweep would be cancelled by this and throw

        Assert.Equal(TimeSpan.Zero, sweep.Wait);
        QueuedRow<FinishedRow> row = Assert.Single(sweep.Begin(guard.Token));

        Assert.NotNull(row.Work);
        Assert.Equal(TimeSpan.FromHours(1), Sweep(pause: TimeSpan.FromHours(1), budget: TimeBudget.Start(TimeSpan.FromHours(2), new Stopwatch())).Pause);
    }

    [Fact]
    public void A_spent_budget_leaves_nothing_to_wait_for()
    {
        var clock = Stopwatch.StartNew();
        TimeBudget budget = TimeBudget.Start(TimeSpan.FromTicks(1), clock);
        SpinWait.SpinUntil(() => budget.IsSpent);

        Assert.Equal(TimeSpan.Zero, budget.Remaining);
        Assert.Null(NoBudget().Remaining);
        Assert.Equal(TimeSpan.FromMinutes(1), TimeBudget.Start(TimeSpan.FromMinutes(1), new Stopwatch()).Remaining);
    }
}
