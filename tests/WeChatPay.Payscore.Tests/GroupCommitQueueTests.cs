using System.Collections.Concurrent;
using WeChatPay.Payscore.Execution;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The queue between the input and the rows' work, on its own: a row starts only once the append holding its
/// "sending" record has ended, a result goes out only once the append holding its final record has ended, and a
/// quick input shares appends.
/// </summary>
public sealed class GroupCommitQueueTests
{
    /// <summary>A journal that numbers its appends and remembers which have ended, and what each held.</summary>
    private sealed class FakeJournal
    {
        private readonly ConcurrentDictionary<int, bool> _ended = new();
        private int _next;

        public TimeSpan Latency { get; init; }

        public int FailAt { get; init; } = int.MaxValue;

        /// <summary>The append each row's "sending" record went into, by row.</summary>
        public ConcurrentDictionary<int, int> SendingIn { get; } = new();

        /// <summary>The append each row's final record went into, by row.</summary>
        public ConcurrentDictionary<int, int> ResultIn { get; } = new();

        /// <summary>The number the next append will have: a record added now goes into it.</summary>
        public int Current => _next + 1;

        public bool Ended(int append) => _ended.ContainsKey(append);

        public Task<bool> Commit(IReadOnlyList<Row> finished)
        {
            int append = ++_next;
            foreach (Row row in finished)
            {
                Assert.True(ResultIn.TryAdd(row.Number, append), $"row {row.Number}'s final record was written twice");
            }

            if (append >= FailAt)
            {
                return Task.FromResult(false);
            }

            if (Latency == TimeSpan.Zero)
            {
                _ended[append] = true;
                return Task.FromResult(true);
            }

            return Task.Run(async () =>
            {
                await Task.Delay(Latency);
                _ended[append] = true;
                return true;
            });
        }
    }

    private sealed record Row(int Number, bool Sent, string? Why = null);

    private sealed class Harness
    {
        private readonly FakeJournal _journal;
        private readonly ConcurrentBag<int> _started = new();

        public Harness(FakeJournal journal, int slots, int readAhead, Func<int, Task>? work = null, TimeSpan? maxHold = null, Func<Row, bool>? hold = null)
        {
            _journal = journal;
            Work = work ?? (_ => Task.CompletedTask);
            Dispatcher = new BoundedDispatcher<Row>(slots);
            Queue = new GroupCommitQueue<Row>(Dispatcher, slots, readAhead, journal.Commit, maxHold: maxHold, hold: hold);
        }

        public BoundedDispatcher<Row> Dispatcher { get; }

        /// <summary>Called after rows went out, on the pipeline thread, inside the queue's pump.</summary>
        public Action? AfterWriteOut { get; set; }

        public GroupCommitQueue<Row> Queue { get; }

        public Func<int, Task> Work { get; }

        public List<Row> Out { get; } = new();

        public IReadOnlyCollection<int> Started => _started;

        public string? LeftOut { get; set; }

        public QueuedRow<Row> RowOf(int number) => new(
            () => Assert.True(_journal.SendingIn.TryAdd(number, _journal.Current), $"row {number}'s sending record was added twice"),
            async _ =>
            {
                // A row starts only once the append holding its "sending" record has ended.
                Assert.True(_journal.SendingIn.TryGetValue(number, out int append), $"row {number} started without a sending record");
                Assert.True(_journal.Ended(append), $"row {number} started before append {append} ended");
                _started.Add(number);
                await Work(number);
                return new Row(number, Sent: true);
            },
            why => new Row(number, Sent: false, why));

        /// <summary>Once the run stops for a failed append, results go out without their records (the journal cannot take them).</summary>
        public bool Stopped { get; set; }

        public void WriteOut(IReadOnlyList<Row> rows)
        {
            foreach (Row row in rows.Where(_ => !Stopped))
            {
                // A result goes out only once the append holding its final record has ended.
                Assert.True(_journal.ResultIn.TryGetValue(row.Number, out int append), $"row {row.Number} went out without a final record");
                Assert.True(_journal.Ended(append), $"row {row.Number} went out before append {append} ended");
            }

            Out.AddRange(rows);
            AfterWriteOut?.Invoke();
        }

        public bool Pump(bool end = false) => Queue.Pump(WriteOut, () => LeftOut, end, CancellationToken.None);

        public void Run(int rows)
        {
            for (int i = 1; i <= rows; i++)
            {
                Queue.Add(RowOf(i));
                Assert.True(Pump());
            }

            Assert.True(Pump(end: true));
        }
    }

    [Fact]
    public void A_quick_input_shares_appends_and_no_row_starts_or_goes_out_before_its_record_is_written()
    {
        var journal = new FakeJournal { Latency = TimeSpan.FromMilliseconds(20) };
        var run = new Harness(journal, slots: 4, readAhead: 20, work: _ => Task.Delay(1));

        run.Run(400);

        Assert.Equal(Enumerable.Range(1, 400), run.Out.Select(r => r.Number).Order());
        Assert.All(run.Out, r => Assert.True(r.Sent));
        Assert.Equal(400, run.Started.Count);
        Assert.Equal(400, journal.SendingIn.Count);
        // One append per row would be 400 or more; rows read while an append is under way share the next one.
        Assert.True(run.Queue.Commits <= 100, $"{run.Queue.Commits} appends for 400 rows");
        Assert.True(journal.SendingIn.Values.GroupBy(a => a).Max(g => g.Count()) > 4, "no append held more than 4 rows' sending records");
    }

    [Fact]
    public void A_row_the_caller_holds_gets_no_final_record_and_does_not_go_out_until_it_finishes_again()
    {
        var taken = new List<Row>();
        var journal = new FakeJournal { Latency = TimeSpan.FromMilliseconds(2) };
        var run = new Harness(journal, slots: 4, readAhead: 10, hold: row =>
        {
            // Rows 3 and 7 are held the first time they finish (as the sweep holds a row whose outcome is open).
            bool hold = row.Why == null && row.Number is 3 or 7 && !taken.Contains(row);
            if (hold)
            {
                taken.Add(row);
            }

            return hold;
        });

        run.Run(10);

        Assert.Equal([1, 2, 4, 5, 6, 8, 9, 10], run.Out.Select(r => r.Number).Order());
        Assert.Equal([3, 7], taken.Select(r => r.Number));
        Assert.False(journal.ResultIn.ContainsKey(3) || journal.ResultIn.ContainsKey(7), "a held row's final record was written");

        // Handed back finished (the sweep's answer), each goes out once, after its final record.
        run.Queue.Finished([new Row(3, Sent: true, "again"), new Row(7, Sent: true, "again")]);
        Assert.True(run.Pump(end: true));

        Assert.Equal(Enumerable.Range(1, 10), run.Out.Select(r => r.Number).Order());
        Assert.True(journal.ResultIn.ContainsKey(3) && journal.ResultIn.ContainsKey(7));
    }

    [Fact]
    public void With_one_slot_rows_start_and_go_out_in_input_order()
    {
        var order = new ConcurrentQueue<int>();
        var journal = new FakeJournal { Latency = TimeSpan.FromMilliseconds(5) };
        var run = new Harness(journal, slots: 1, readAhead: 10, work: n =>
        {
            order.Enqueue(n);
            return Task.Delay(1);
        });

        run.Run(60);

        Assert.Equal(Enumerable.Range(1, 60), order);
        Assert.Equal(Enumerable.Range(1, 60), run.Out.Select(r => r.Number));
    }

    [Fact]
    public void Rows_typed_one_by_one_are_each_written_and_started_at_once()
    {
        var journal = new FakeJournal { Latency = TimeSpan.FromMilliseconds(2) };
        var run = new Harness(journal, slots: 4, readAhead: 100);

        for (int i = 1; i <= 5; i++)
        {
            run.Queue.Add(run.RowOf(i));
            Assert.True(run.Pump());
            // The row's record went out at once, without waiting for more rows to fill a group.
            Assert.True(journal.SendingIn.ContainsKey(i), $"row {i} waits for more rows");
            int row = i;
            Assert.True(SpinWait.SpinUntil(() => run.Pump() && run.Started.Contains(row), TimeSpan.FromSeconds(30)));
        }

        Assert.True(run.Pump(end: true));
        Assert.Equal(5, run.Out.Count);
    }

    [Fact]
    public void A_finished_row_waits_for_a_full_group_no_longer_than_the_hold()
    {
        var held = new Harness(new FakeJournal(), slots: 4, readAhead: 100, maxHold: TimeSpan.FromDays(1));
        held.Queue.Add(held.RowOf(1));
        Assert.True(SpinWait.SpinUntil(() => held.Pump() && held.Queue.Held == 1, TimeSpan.FromSeconds(30)));
        Assert.Empty(held.Out); // one finished row of a group of 100: it waits for more
        Assert.True(held.Pump(end: true));
        Assert.Single(held.Out);

        var due = new Harness(new FakeJournal(), slots: 4, readAhead: 100, maxHold: TimeSpan.Zero);
        due.Queue.Add(due.RowOf(1));
        // With no time to hold, the row's group is written and its result out while the input goes on.
        Assert.True(SpinWait.SpinUntil(() => due.Pump() && due.Out.Count == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, due.Queue.Held);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void A_row_that_ends_while_the_others_go_out_is_not_missed_at_the_end_of_the_input(int readAhead)
    {
        TaskCompletionSource[] gates = [new(), new()];
        var run = new Harness(new FakeJournal(), slots: 3, readAhead: readAhead, work: n => gates[n - 1].Task, maxHold: TimeSpan.Zero);
        run.Queue.Add(run.RowOf(1));
        Assert.True(run.Pump());
        run.Queue.Add(run.RowOf(2));
        Assert.True(run.Pump());
        Assert.True(SpinWait.SpinUntil(() => run.Started.Count == 2, TimeSpan.FromSeconds(30)));

        // Row 2 hands back its result and counts itself out while row 1's result goes out, after the queue's
        // last look at the finished rows: the end of the input must still wait for it and write it out.
        run.AfterWriteOut = () =>
        {
            run.AfterWriteOut = null;
            gates[1].SetResult();
            Assert.True(SpinWait.SpinUntil(() => run.Dispatcher.InFlight == 0, TimeSpan.FromSeconds(30)));
        };
        gates[0].SetResult();
        Assert.True(run.Pump(end: true));

        Assert.Equal(new[] { 1, 2 }, run.Out.Select(r => r.Number).Order());
    }

    [Fact]
    public void Without_a_journal_rows_start_at_once_and_results_go_out_as_rows_finish()
    {
        var journal = new FakeJournal();
        var gate = new TaskCompletionSource();
        var run = new Harness(journal, slots: 2, readAhead: 0, work: n => n == 1 ? gate.Task : Task.CompletedTask);

        run.Queue.Add(run.RowOf(1));
        Assert.True(run.Pump());
        Assert.Equal(0, run.Queue.Queued); // started, not read ahead
        run.Queue.Add(run.RowOf(2));
        Assert.True(run.Pump());
        Assert.Equal(0, run.Queue.Queued);
        SpinWait.SpinUntil(() => run.Started.Count == 2, TimeSpan.FromSeconds(30));
        SpinWait.SpinUntil(() => { run.Pump(); return run.Out.Count == 1; }, TimeSpan.FromSeconds(30));
        Assert.Equal(2, Assert.Single(run.Out).Number); // out while row 1 still runs
        gate.SetResult();
        Assert.True(run.Pump(end: true));
        Assert.Equal(new[] { 2, 1 }, run.Out.Select(r => r.Number));
    }

    [Fact]
    public void A_failed_append_starts_none_of_its_rows_and_settling_gives_every_row_one_result()
    {
        var journal = new FakeJournal { FailAt = 3 };
        var gate = new TaskCompletionSource();
        var run = new Harness(journal, slots: 2, readAhead: 10, work: _ => gate.Task);
        bool written = true;
        int added = 0;
        for (int i = 1; i <= 30 && written; i++)
        {
            run.Queue.Add(run.RowOf(i));
            added = i;
            written = run.Pump();
            if (i == 8)
            {
                gate.SetResult(); // the first rows finish: their results need an append
            }
        }

        Assert.False(written);
        Assert.True(run.Queue.Failed);
        run.Stopped = true;
        run.Queue.Settle("the journal could not be written", run.WriteOut, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, added), run.Out.Select(r => r.Number).Order());
        Assert.All(run.Out.Where(r => !r.Sent), r => Assert.Equal("the journal could not be written", r.Why));
        Assert.Equal(run.Started.Order(), run.Out.Where(r => r.Sent).Select(r => r.Number).Order());
        int[] failedAppendRows = journal.SendingIn.Where(p => p.Value >= 3).Select(p => p.Key).ToArray();
        Assert.NotEmpty(failedAppendRows);
        Assert.DoesNotContain(run.Started, failedAppendRows.Contains);
    }

    [Fact]
    public void Rows_left_out_before_their_append_get_no_record_and_their_not_started_result()
    {
        var journal = new FakeJournal { Latency = TimeSpan.FromMilliseconds(20) };
        var gate = new TaskCompletionSource();
        var run = new Harness(journal, slots: 1, readAhead: 10, work: _ => gate.Task);
        for (int i = 1; i <= 5; i++)
        {
            run.Queue.Add(run.RowOf(i));
            Assert.True(run.Pump());
        }

        run.LeftOut = "the time budget was spent";
        gate.SetResult();
        Assert.True(run.Pump(end: true));

        Assert.Equal(Enumerable.Range(1, 5), run.Out.Select(r => r.Number).Order());
        int[] notStarted = run.Out.Where(r => !r.Sent).Select(r => r.Number).ToArray();
        Assert.NotEmpty(notStarted);
        Assert.All(run.Out.Where(r => !r.Sent), r => Assert.Equal("the time budget was spent", r.Why));
        // Rows still waiting for their group were never recorded: a rerun sends them as new rows.
        Assert.Contains(notStarted, n => !journal.SendingIn.ContainsKey(n));
        Assert.DoesNotContain(run.Started, notStarted.Contains);
    }
}
