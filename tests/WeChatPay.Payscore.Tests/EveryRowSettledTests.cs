using System.Management.Automation;
using System.Text.Json;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Every row ends with a result that tells: a query that settles a row is asked again when its answer is lost or
/// untrusted, a refusal of an authorization that is already ended is recognised as done, and an error that stops
/// the run leaves no sent row without its result.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class EveryRowSettledTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";

    /// <summary>The rows of the storm test: 2,000 took about 50 s on a busy 2-core machine.</summary>
    private const int StormRows = 2_000;

    private readonly WechatpaySimulator _sim;
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-settle-").FullName;

    public EveryRowSettledTests(SimulatorFixture fixture, ITestOutputHelper output)
    {
        _sim = fixture.Simulator;
        _output = output;
        _sim.Reset();
    }

    public void Dispose()
    {
        _sim.Reset();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, object?> Terminate(int maxRetries = 3)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = maxRetries;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private Dictionary<string, object?> Query(int maxRetries = 3)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters.Remove("Confirm");
        parameters["AppId"] = AppId;
        parameters["MaxRetries"] = maxRetries;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private static PSObject Row(string openId) => HostedRun.Row(openId, "500001");

    #region The query is asked again

    [Theory]
    [InlineData(FaultKind.CorruptSignature)]
    [InlineData(FaultKind.SignatureProbe)]
    [InlineData(FaultKind.MissingSignature)]
    [InlineData(FaultKind.Hang)]
    [InlineData(FaultKind.ResetAfterProcessing)]
    [InlineData(FaultKind.ServerError)]
    public void A_query_that_settles_a_lost_answer_is_asked_again_when_its_own_answer_is_lost_or_untrusted(FaultKind fault)
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = "oAsk", Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oAsk", Target = FaultTarget.Query, Count = 2 });
        var parameters = Terminate(maxRetries: 3);
        parameters["TimeoutSec"] = 1;

        HostedRun run = HostedRun.Invoke([Row("oAsk")], parameters);

        TerminateResult result = Assert.Single(run.Results);
        Assert.True(result.Success, $"{result.Code}: {result.Message}");
        Assert.Equal((ResultCodes.SettledByQuery, 1), (result.Code, result.Attempts));
        Assert.Equal(1, _sim.ProcessedTerminates("oAsk", "500001"));
        Assert.Equal(4, _sim.RequestCount); // the terminate and three queries
        Assert.Equal(4, _sim.ReceivedSignatures.Distinct().Count()); // each signed afresh
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void Get_WxPayscorePermission_asks_again_after_a_timeout_a_probe_and_a_bad_signature()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.Hang, OpenId = "oFlaky", Count = 1 });
        _sim.AddFault(new FaultRule { Kind = FaultKind.SignatureProbe, OpenId = "oFlaky", Count = 1 });
        _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oFlaky", Count = 1 });
        var parameters = Query(maxRetries: 3);
        parameters["TimeoutSec"] = 1;
        using var session = new HostedSession();

        HostedRun run = session.Run("Get-WxPayscorePermission", parameters, [Row("oFlaky")]);

        PayscorePermission result = Assert.Single(run.Permissions);
        Assert.Equal((true, "AVAILABLE", 4), (result.Success, result.AuthorizationState, result.Attempts));
        Assert.Equal(4, _sim.ReceivedSignatures.Distinct().Count());
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_query_that_never_verifies_stops_at_max_retries()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.SignatureProbe, OpenId = "oProbed" });
        using var session = new HostedSession();

        HostedRun run = session.Run("Get-WxPayscorePermission", Query(maxRetries: 2), [Row("oProbed")]);

        PayscorePermission result = Assert.Single(run.Permissions);
        Assert.Equal((false, ResultCodes.SignatureProbe, 3), (result.Success, result.Code, result.Attempts));
        Assert.Null(result.AuthorizationState);
        Assert.Equal(3, _sim.RequestCount);
    }

    /// <summary>
    /// Faults on a share of all requests, terminates and queries alike, drawn from <paramref name="seed"/> (which a
    /// failure message names): the rules are tried in order, so each one's chance is what is left of its share.
    /// </summary>
    private void AddFaultShares(int seed, params (FaultKind Kind, double Share)[] faults)
    {
        _sim.FaultSeed = seed;
        double taken = 0;
        foreach ((FaultKind kind, double share) in faults)
        {
            _sim.AddFault(new FaultRule { Kind = kind, Probability = share / (1 - taken), Target = FaultTarget.Any });
            taken += share;
        }
    }

    /// <summary>
    /// Each kind of fault on 10 % of all requests, terminates and queries alike: half the requests meet a fault, and
    /// a quarter of the terminates need the query to tell whether they landed.
    /// </summary>
    [Fact]
    public void A_fault_matrix_on_terminates_and_queries_settles_nearly_every_row_and_terminates_none_twice()
    {
        const int Rows = 2_000;
        const int Seed = 20_250_611;
        AddFaultShares(
            Seed,
            (FaultKind.RateLimited, 0.10), (FaultKind.ServerError, 0.10),
            (FaultKind.ResetBeforeProcessing, 0.05), (FaultKind.ResetAfterProcessing, 0.05),
            (FaultKind.CorruptSignature, 0.10), (FaultKind.SignatureProbe, 0.10));

        var parameters = Terminate(maxRetries: 8);
        parameters["ThrottleLimit"] = 16;
        // No ceiling: random 429s are told from a real limit and do not hold the run down.
        parameters["MaxRequestsPerSecond"] = 0.0;
        IEnumerable<PSObject> rows = Enumerable.Range(1, Rows).Select(i => Row($"oGrid{i}"));
        using var session = new HostedSession();
        RunOverrides.Change(session.Runspace, o => o.WithRetryBaseDelay(TimeSpan.FromMilliseconds(5))); // the same doubling, from 5 ms instead of 200 ms

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, rows, throwTerminatingError: true);

        Assert.Equal(Enumerable.Range(1, Rows).Select(i => (long)i), run.Output.Select(o => ((TerminateResult)o.BaseObject).RowNumber).Order());
        int[] processed = Enumerable.Range(1, Rows).Select(i => _sim.ProcessedTerminates($"oGrid{i}", "500001")).ToArray();
        Assert.All(processed, n => Assert.InRange(n, 0, 1));
        string[] done = [ResultCodes.Ok, ResultCodes.SettledByQuery, ResultCodes.AlreadyEnded];
        Assert.All(run.Results.Where(r => r.Success), r => Assert.Contains(r.Code, done));
        Assert.All(run.Results.Where(r => r.Success), r => Assert.Equal(1, processed[r.RowNumber - 1]));
        int settled = run.Results.Count(r => r.Success);
        var codes = run.Results.GroupBy(r => r.Code).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        _output.WriteLine($"fault matrix on terminates and queries (seed {Seed}): {settled} of {Rows} rows settled ({100.0 * settled / Rows:0.00} %), {_sim.RequestCount} requests; {string.Join(", ", codes)}");
        var notDone = run.Results.Where(r => !r.Success).Select(r => $"{r.OpenId}: {r.Code} {r.Message}").Take(5);
        Assert.True(settled >= Rows * 0.995, $"Expected at least 99.5 % of {Rows} rows ended in the run; {settled} were (fault seed {Seed}):\n{string.Join("\n", notDone)}");
        int byQuery = run.Results.Count(r => r.Code == ResultCodes.SettledByQuery);
        Assert.True(
            byQuery > Rows / 10,
            $"Expected more than a tenth of the rows ({Rows / 10}) to be {ResultCodes.SettledByQuery}, since about a quarter of the terminates meet a fault "
            + $"whose outcome only the query can tell (a broken connection after processing, a bad signature, a probe); {byQuery} were (fault seed {Seed}).");
    }

    #endregion

    #region Asked again at the end of the input

    private string JournalPath => Path.Combine(_dir, "run.jsonl");

    private static RunSummary TheSummary(HostedRun run) =>
        Assert.IsType<RunSummary>(Assert.Single(run.InformationRecords, r => r.Tags.Contains(RunSummary.Tag)).MessageData);

    /// <summary>The journal's records of one openid, as (event, code) in the order they were written.</summary>
    private List<(string? Event, string? Code)> JournalOf(string openId) =>
        File.ReadAllLines(JournalPath)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.TryGetProperty("openid", out JsonElement o) && o.GetString() == openId)
            .Select(r => (r.GetProperty("event").GetString(), r.TryGetProperty("code", out JsonElement c) ? c.GetString() : null))
            .ToList();

    /// <summary>The terminate broke after WeChat Pay processed it, and the query meets <paramref name="queryFault"/> (each of its <paramref name="count"/> times).</summary>
    private void LostAnswerAndFailingQuery(string openId, FaultKind terminateFault = FaultKind.ResetAfterProcessing, FaultKind queryFault = FaultKind.CorruptSignature, int? count = null)
    {
        _sim.AddFault(new FaultRule { Kind = terminateFault, OpenId = openId, Target = FaultTarget.Terminate, Count = 1 });
        _sim.AddFault(new FaultRule { Kind = queryFault, OpenId = openId, Target = FaultTarget.Query, Count = count });
    }

    [Fact]
    public void A_row_whose_query_failed_is_asked_again_at_the_end_of_the_input_and_its_result_goes_out_once_settled()
    {
        // The query's four attempts (-MaxRetries 3) all meet a bad signature; the fifth, at the end of the input, does not.
        LostAnswerAndFailingQuery("oLate", count: 4);
        var parameters = Terminate(maxRetries: 3);
        parameters["ThrottleLimit"] = 1;
        parameters["JournalPath"] = JournalPath;

        HostedRun run = HostedRun.Invoke([Row("oLate"), Row("oFine1"), Row("oFine2")], parameters);

        // Held back until the sweep: the later rows came out first, the row once, with its final answer.
        Assert.Equal([2L, 3L, 1L], run.Output.Select(o => ((TerminateResult)o.BaseObject).RowNumber));
        TerminateResult late = run.Results[0];
        Assert.Equal((true, ResultCodes.SettledByQuery, 1), (late.Success, late.Code, late.Attempts));
        Assert.Equal(
            $"The outcome was not known ({ResultCodes.OutcomeUnknown}); asked again at the end of the input: WeChat Pay says the authorization is UNAVAILABLE, so it is ended.",
            late.Message);
        Assert.Equal(1, _sim.ProcessedTerminates("oLate", "500001"));
        Assert.Equal(3 + 4 + 1, _sim.RequestCount); // three terminates, the four queries of the row, one of the sweep
        Assert.Empty(run.Errors);
        RunSummary summary = TheSummary(run);
        Assert.Equal((1L, 1L, 1L), (summary.SweepRows, summary.SweepAsked, summary.SweepSettled));
        Assert.Equal(new Dictionary<string, long> { [ResultCodes.Ok] = 2, [ResultCodes.SettledByQuery] = 1 }, summary.Codes);
        Assert.Contains("Asked again at the end of the input: 1 row whose outcome was not known; 1 asked, 1 settled, 0 still not known, in ", summary.ToString());

        // One final record, once the sweep settled the row; a rerun with the journal sends nothing for it.
        Assert.Equal([("sending", null), ("result", ResultCodes.SettledByQuery)], JournalOf("oLate"));
        int before = _sim.RequestCount;
        HostedRun again = HostedRun.Invoke([Row("oLate")], parameters);
        Assert.Equal((true, ResultCodes.AlreadyDone), (again.Results[0].Success, again.Results[0].Code));
        Assert.Equal(before, _sim.RequestCount);
    }

    [Fact]
    public void A_row_the_sweep_finds_still_available_is_sent_again_and_ended_once()
    {
        // The first terminate broke before WeChat Pay processed it; the query was refused, which settles nothing.
        LostAnswerAndFailingQuery("oAgain", FaultKind.ResetBeforeProcessing, FaultKind.NoAuth, count: 1);

        HostedRun run = HostedRun.Invoke([Row("oAgain")], Terminate(maxRetries: 3));

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((true, ResultCodes.Ok, 2), (result.Success, result.Code, result.Attempts));
        Assert.Equal(
            "The outcome was not known (OUTCOME_UNKNOWN); asked again at the end of the input: WeChat Pay says the authorization is still AVAILABLE, so it was sent again. Authorization terminated.",
            result.Message);
        Assert.Equal(1, _sim.ProcessedTerminates("oAgain", "500001"));
        Assert.Equal(2 + 2, _sim.RequestCount); // the terminate that broke, the refused query, the sweep's query, the terminate sent again
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_row_the_sweep_cannot_settle_either_stays_unknown_with_one_result_one_error_and_one_final_record()
    {
        LostAnswerAndFailingQuery("oDark");
        var parameters = Terminate(maxRetries: 2);
        parameters["JournalPath"] = JournalPath;

        HostedRun run = HostedRun.Invoke([Row("oDark")], parameters);

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((false, ResultCodes.OutcomeUnknown, 1), (result.Success, result.Code, result.Attempts));
        // The first result stands, and says what asking again found.
        Assert.StartsWith("Attempt 1: the connection broke after the request was sent, and the query's answer is not verified", result.Message);
        Assert.Contains(" Asked again at the end of the input: the query's answer is not verified", result.Message);
        Assert.EndsWith("; whether it was ended is still not known.", result.Message);
        Assert.StartsWith(ErrorIds.OutcomeUnknown + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(1 + 3 + 3, _sim.RequestCount); // one terminate; the query and its two retries, twice: nothing sent again
        Assert.Equal(1, _sim.ProcessedTerminates("oDark", "500001"));
        RunSummary summary = TheSummary(run);
        Assert.Equal((1L, 1L, 0L), (summary.SweepRows, summary.SweepAsked, summary.SweepSettled));
        Assert.Equal([("sending", null), ("result", ResultCodes.OutcomeUnknown)], JournalOf("oDark"));

        // The rerun with the journal asks first, and sends nothing when the authorization is ended.
        _sim.ClearFaults();
        HostedRun again = HostedRun.Invoke([Row("oDark")], parameters);
        Assert.Equal((true, ResultCodes.SettledByQuery, 0), (again.Results[0].Success, again.Results[0].Code, again.Results[0].Attempts));
        Assert.Equal(1, _sim.ProcessedTerminates("oDark", "500001"));
    }

    [Fact]
    public void Under_ErrorAction_Stop_a_row_held_for_the_sweep_has_not_failed_and_the_run_goes_on()
    {
        LostAnswerAndFailingQuery("oHeld", queryFault: FaultKind.NoAuth, count: 1);
        var parameters = Terminate();
        parameters["ThrottleLimit"] = 1;
        parameters["ErrorAction"] = ActionPreference.Stop;

        HostedRun run = HostedRun.Invoke(new[] { "oHeld", "oNext1", "oNext2", "oNext3" }.Select(Row), parameters);

        Assert.Equal([ResultCodes.SettledByQuery, ResultCodes.Ok, ResultCodes.Ok, ResultCodes.Ok], run.Results.Select(r => r.Code));
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_spent_time_budget_leaves_a_held_row_unknown_saying_how_to_settle_it_and_the_rerun_settles_it()
    {
        // The query hangs each time, past -TimeoutSec: the row takes over four seconds, beyond the budget of three.
        LostAnswerAndFailingQuery("oSlow", queryFault: FaultKind.Hang);
        var parameters = Terminate(maxRetries: 3);
        parameters["TimeoutSec"] = 1;
        parameters["StopAfter"] = TimeSpan.FromSeconds(3);
        parameters["JournalPath"] = JournalPath;

        HostedRun run = HostedRun.Invoke([Row("oSlow")], parameters);

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((false, ResultCodes.OutcomeUnknown), (result.Success, result.Code));
        Assert.EndsWith(
            "It was not asked about again at the end of the input: the run's time budget (-StopAfter) was spent. Run the same command with the same -JournalPath to settle it "
            + "(a row whose outcome is not known is asked about before anything is sent again), or look it up with Get-WxPayscorePermission.",
            result.Message);
        Assert.Equal(1 + 4, _sim.RequestCount); // no query after the budget was spent
        RunSummary summary = TheSummary(run);
        Assert.Equal((1L, 0L, 0L), (summary.SweepRows, summary.SweepAsked, summary.SweepSettled));
        Assert.Equal([("sending", null), ("result", ResultCodes.OutcomeUnknown)], JournalOf("oSlow"));

        _sim.ClearFaults();
        parameters.Remove("StopAfter");
        HostedRun again = HostedRun.Invoke([Row("oSlow")], parameters);
        Assert.Equal((true, ResultCodes.SettledByQuery), (again.Results[0].Success, again.Results[0].Code));
        Assert.Equal(1, _sim.ProcessedTerminates("oSlow", "500001"));
    }

    [Fact]
    public void Ctrl_C_during_the_pause_before_the_sweep_stops_the_run_and_the_rerun_settles_the_held_row()
    {
        // -MaxRetries 20: the pause before the sweep is as long as a 21st retry's wait, several seconds.
        LostAnswerAndFailingQuery("oCtrlC", queryFault: FaultKind.NoAuth, count: 1);
        var parameters = Terminate(maxRetries: 20);
        parameters["JournalPath"] = JournalPath;
        parameters["Verbose"] = true;
        using var session = new HostedSession();
        using var ps = PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddCommand("Invoke-WxPayscoreTerminate");
        foreach (var (name, value) in parameters)
        {
            ps.AddParameter(name, value);
        }

        var input = new PSDataCollection<PSObject>([Row("oCtrlC"), Row("oFine")]);
        input.Complete();
        var output = new PSDataCollection<PSObject>();
        IAsyncResult running = ps.BeginInvoke(input, output);
        Assert.True(
            SpinWait.SpinUntil(() => ps.Streams.Verbose.Any(v => v.Message.Contains("asking WeChat Pay about it again in", StringComparison.Ordinal)), TimeSpan.FromSeconds(60)),
            "the sweep's pause began");

        ps.Stop();

        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));
        Assert.Equal(2 + 1, _sim.RequestCount); // two terminates and the refused query: the sweep asked nothing
        Assert.Equal([2L], output.Select(o => ((TerminateResult)o.BaseObject).RowNumber)); // the held row has no result
        Assert.Equal([("sending", null)], JournalOf("oCtrlC")); // nor a final record: the rerun asks first

        parameters.Remove("Verbose");
        HostedRun again = HostedRun.Invoke([Row("oCtrlC"), Row("oFine")], parameters);
        Assert.Equal([ResultCodes.SettledByQuery, ResultCodes.AlreadyDone], again.Results.Select(r => r.Code));
        Assert.Equal(1, _sim.ProcessedTerminates("oCtrlC", "500001"));
    }

    /// <summary>
    /// A storm of faults on terminates and queries alike (a tenth each of 429s, 500s, bad signatures and signature
    /// probes, a fifth of broken connections, before and after processing), with -MaxRetries 8: a row whose query
    /// fails all nine times is asked about again at the end of the input, with nine more, so that nearly every row
    /// ends in the run itself, and none is terminated twice.
    /// </summary>
    [Fact]
    public void A_storm_of_faults_ends_nearly_every_row_in_the_run_itself_once_the_unknown_ones_are_asked_again()
    {
        const int Rows = StormRows;
        const int Seed = 7_771;
        AddFaultShares(
            Seed,
            (FaultKind.RateLimited, 0.10), (FaultKind.ServerError, 0.10),
            (FaultKind.ResetBeforeProcessing, 0.10), (FaultKind.ResetAfterProcessing, 0.10),
            (FaultKind.CorruptSignature, 0.10), (FaultKind.SignatureProbe, 0.10));
        var parameters = Terminate(maxRetries: 8);
        parameters["ThrottleLimit"] = 16;
        using var session = new HostedSession();
        RunOverrides.Change(session.Runspace, o => o.WithRetryBaseDelay(TimeSpan.FromMilliseconds(5))); // the same doubling, from 5 ms instead of 200 ms

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Enumerable.Range(1, Rows).Select(i => Row($"oStorm{i}")), throwTerminatingError: true);

        Assert.Equal(Enumerable.Range(1, Rows).Select(i => (long)i), run.Output.Select(o => ((TerminateResult)o.BaseObject).RowNumber).Order());
        int[] processed = Enumerable.Range(1, Rows).Select(i => _sim.ProcessedTerminates($"oStorm{i}", "500001")).ToArray();
        int ended = run.Results.Count(r => r.Success);
        RunSummary summary = TheSummary(run);
        var codes = run.Results.GroupBy(r => r.Code).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        _output.WriteLine($"storm (seed {Seed}): {ended} of {Rows} rows ended in the run, {_sim.RequestCount} requests; {string.Join(", ", codes)}; {summary}");
        Assert.True(processed.All(n => n <= 1), $"Expected no authorization terminated twice; {processed.Count(n => n > 1)} were (fault seed {Seed}).");
        Assert.All(run.Results.Where(r => r.Success), r => Assert.Equal(1, processed[r.RowNumber - 1]));
        var notEnded = run.Results.Where(r => !r.Success).Select(r => $"{r.OpenId}: {r.Code} {r.Message}").Take(5);
        Assert.True(
            ended >= Rows * 0.999,
            $"Expected at least 99.9 % of {Rows} rows ended in the run itself; {ended} were (fault seed {Seed}):\n{string.Join("\n", notEnded)}");
        // Some rows' queries failed all nine times: the sweep asked about them, and its work is in the summary.
        Assert.True(summary.SweepRows > 0, $"Expected rows whose outcome was not known at first to be asked about again; none were (fault seed {Seed}).");
        Assert.Equal(summary.SweepRows, summary.SweepAsked);
        Assert.True(summary.SweepSettled >= summary.SweepRows - (Rows - ended), $"Expected the rows the sweep settled counted in the summary: {summary}");
        Assert.Contains($"Asked again at the end of the input: {summary.SweepRows:N0} row", summary.ToString());
    }

    #endregion

    #region Already ended

    [Theory]
    [InlineData(AlreadyTerminatedBehavior.Error, 400, "INVALID_REQUEST")]
    [InlineData(AlreadyTerminatedBehavior.NoAuth, 403, "NO_AUTH")]
    public void A_rerun_without_its_journal_reports_rows_already_ended_as_success_and_sends_each_once(AlreadyTerminatedBehavior refusal, int status, string code)
    {
        _sim.AlreadyTerminated = refusal;
        PSObject[] rows = Enumerable.Range(1, 6).Select(i => Row($"oEnded{i}")).ToArray();
        HostedRun first = HostedRun.Invoke(rows, Terminate());
        Assert.All(first.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
        int before = _sim.RequestCount;

        HostedRun again = HostedRun.Invoke(rows, Terminate(maxRetries: 5));

        Assert.Empty(again.Errors);
        Assert.All(again.Results, r =>
        {
            Assert.True(r.Success, r.Message);
            Assert.Equal((ResultCodes.AlreadyEnded, status, 1), (r.Code, r.StatusCode, r.Attempts));
            Assert.Contains("already ended", r.Message, StringComparison.Ordinal);
            Assert.Contains(code, r.Message, StringComparison.Ordinal);
        });
        Assert.Equal(6 * 2, _sim.RequestCount - before); // per row one terminate and one query, no retry
        Assert.All(Enumerable.Range(1, 6), i => Assert.Equal(2, _sim.ProcessedTerminates($"oEnded{i}", "500001"))); // one per run
    }

    [Fact]
    public void A_user_who_unbound_the_service_is_already_ended_too()
    {
        _sim.SetAuthorizationState("oUnbound", "500001", "UNBINDUSER");

        HostedRun run = HostedRun.Invoke([Row("oUnbound")], Terminate());

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((true, ResultCodes.AlreadyEnded), (result.Success, result.Code));
        Assert.Contains("UNBINDUSER", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FaultKind.NoAuth, 403, "NO_AUTH")]
    [InlineData(FaultKind.InvalidRequest, 400, "INVALID_REQUEST")]
    public void A_refusal_while_the_authorization_still_stands_keeps_its_code_and_is_not_sent_again(FaultKind fault, int status, string code)
    {
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oRefused", Target = FaultTarget.Terminate });

        HostedRun run = HostedRun.Invoke([Row("oRefused")], Terminate(maxRetries: 5));

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((false, code, status, 1), (result.Success, result.Code, result.StatusCode, result.Attempts));
        Assert.Contains("AVAILABLE", result.Message, StringComparison.Ordinal);
        Assert.StartsWith(ErrorIds.WechatpayErrorResponse + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(2, _sim.RequestCount); // the terminate and the query
    }

    [Fact]
    public void A_refusal_whose_query_fails_keeps_the_refusal_and_is_not_sent_again()
    {
        _sim.SetAuthorizationState("oDim", "500001", "UNAVAILABLE");
        _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oDim", Target = FaultTarget.Query });

        HostedRun run = HostedRun.Invoke([Row("oDim")], Terminate(maxRetries: 2));

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((false, "INVALID_REQUEST", 1), (result.Success, result.Code, result.Attempts));
        Assert.Contains("not known", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, _sim.ProcessedTerminates("oDim", "500001"));
        Assert.Equal(1 + 3, _sim.RequestCount); // one terminate; the query and its two retries
    }

    [Fact]
    public void A_row_found_already_ended_is_journaled_as_done_and_a_resumed_run_does_not_send_it()
    {
        string journal = Path.Combine(_dir, "run.jsonl");
        _sim.SetAuthorizationState("oBefore", "500001", "UNAVAILABLE");
        var parameters = Terminate();
        parameters["JournalPath"] = journal;
        HostedRun first = HostedRun.Invoke([Row("oBefore")], parameters);
        Assert.Equal(ResultCodes.AlreadyEnded, Assert.Single(first.Results).Code);
        int before = _sim.RequestCount;

        HostedRun again = HostedRun.Invoke([Row("oBefore")], parameters);

        Assert.Equal((true, ResultCodes.AlreadyDone), (again.Results[0].Success, again.Results[0].Code));
        Assert.Equal(before, _sim.RequestCount);
    }

    #endregion

    #region -ErrorAction Stop

    [Theory]
    [InlineData("Get-WxPayscorePermission")]
    [InlineData("Invoke-WxPayscoreTerminate")]
    public void ErrorAction_Stop_leaves_no_row_that_was_sent_without_its_result(string command)
    {
        // Rows 1 to 8 are in flight at once and finish together; three of them fail.
        _sim.LatencyMs = 300;
        foreach (string failing in new[] { "oInFlight2", "oInFlight5", "oInFlight7" })
        {
            _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = failing });
        }

        var parameters = command == "Invoke-WxPayscoreTerminate" ? Terminate(maxRetries: 0) : Query(maxRetries: 0);
        parameters["ThrottleLimit"] = 8;
        parameters["ErrorAction"] = ActionPreference.Stop;
        using var session = new HostedSession();

        HostedRun run = session.Run(command, parameters, Enumerable.Range(1, 40).Select(i => Row($"oInFlight{i}")));

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.WechatpayErrorResponse + ",", stop.FullyQualifiedErrorId);
        Assert.InRange(_sim.RequestCount, 8, 39); // the rows in flight were sent, the rest never were
        // One request per row (no retries): each has its result; rows read ahead and never sent are NOT_STARTED.
        Assert.Equal(_sim.RequestCount, run.Output.Count(o => (string)o.Properties["Code"].Value != ResultCodes.NotStarted));
        Assert.Equal(run.Output.Count, run.Output.Select(o => o.Properties["RowNumber"].Value).Distinct().Count());
    }

    #endregion
}
