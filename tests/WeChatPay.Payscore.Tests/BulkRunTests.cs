using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Many rows at once against the simulator: the concurrency bound, rate limits, retries, failover, cancellation
/// and one result per row. Nothing here measures time; the benchmark does.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class BulkRunTests
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;

    public BulkRunTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    private Dictionary<string, object?> Parameters(int throttleLimit = 4, int maxRetries = 3)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["ThrottleLimit"] = throttleLimit;
        parameters["MaxRetries"] = maxRetries;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private static PSObject[] Rows(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => HostedRun.Row($"{prefix}{i}", "500001")).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    public void Requests_in_flight_never_exceed_the_throttle_limit_and_every_row_gets_one_result(int throttleLimit)
    {
        _sim.LatencyMs = 40;
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, Probability = 0.2 });
        PSObject[] rows = Rows("oBound", 48)
            .Concat([HostedRun.Row("bad/one", "500001"), HostedRun.Row(null, "500001")])
            .ToArray();

        HostedRun run = HostedRun.Invoke(rows, Parameters(throttleLimit, maxRetries: 10));

        Assert.InRange(_sim.MaxInFlight, 1, throttleLimit);
        if (throttleLimit > 1)
        {
            Assert.True(_sim.MaxInFlight > 1, "rows are sent in parallel");
        }

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), run.Results.Select(r => r.RowNumber));
        Assert.Equal(48, run.Results.Count(r => r.Success));
        Assert.Equal(48, _sim.Terminates.Count);
        Assert.Equal(48, _sim.Terminates.Select(t => t.OpenId).Distinct().Count());
    }

    [Fact]
    public void With_a_throttle_limit_of_1_rows_go_one_at_a_time_in_input_order()
    {
        HostedRun run = HostedRun.Invoke(Rows("oSeq", 12), Parameters(throttleLimit: 1));

        Assert.Equal(1, _sim.MaxInFlight);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), run.Output.Select(o => ((TerminateResult)o.BaseObject).RowNumber));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"oSeq{i}"), _sim.Terminates.Select(t => t.OpenId));
    }

    [Fact]
    public void A_burst_of_429s_is_retried_and_then_every_row_succeeds()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.RateLimited, Count = 8 });

        HostedRun run = HostedRun.Invoke(Rows("oLimited", 20), Parameters(throttleLimit: 4, maxRetries: 10));

        Assert.All(run.Results, r => Assert.True(r.Success, $"{r.OpenId}: {r.Code} {r.Message}"));
        Assert.Equal(28, _sim.RequestCount);
        Assert.Equal(28, run.Results.Sum(r => r.Attempts));
    }

    [Fact]
    public void A_rate_limit_of_wechat_pay_slows_the_whole_run_and_every_row_succeeds()
    {
        _sim.SetRateLimit(20);
        var parameters = Parameters(throttleLimit: 4, maxRetries: 10);
        parameters["Verbose"] = true;

        HostedRun run = HostedRun.Invoke(Rows("oRealLimit", 60), parameters);

        Assert.All(run.Results, r => Assert.True(r.Success, $"{r.OpenId}: {r.Code} {r.Message}"));
        Assert.Equal(60, _sim.Terminates.Count);
        Assert.True(_sim.RateLimitedCount > 0, "the limit was met");
        Assert.Contains(run.Verbose, line => line.Contains("the run slows to", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, line => line.Contains("WeChat Pay limits the rate, so the run goes on at", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_429s_are_retried_without_slowing_the_run_for_good()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.RateLimited, Probability = 0.3 });
        var parameters = Parameters(throttleLimit: 4, maxRetries: 10);
        parameters["MaxRequestsPerSecond"] = 300.0;
        parameters["Verbose"] = true;

        HostedRun run = HostedRun.Invoke(Rows("oNoise", 300), parameters);

        // They look like a limit until a cut shows that they come as often at a lower rate; the rate is then restored.
        Assert.All(run.Results, r => Assert.True(r.Success, $"{r.OpenId}: {r.Code} {r.Message}"));
        Assert.Contains(run.Verbose, line => line.Contains("the run slows to", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, line => line.Contains("they are not about the run's rate, so it goes back to 300 requests/s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retry_after_from_wechat_pay_holds_the_run()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.RateLimited, OpenId = "oWait", Count = 1, RetryAfterSeconds = 1 });
        var parameters = Parameters(throttleLimit: 1, maxRetries: 2);
        parameters["Verbose"] = true;

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oWait", "500001"), HostedRun.Row("oAfter", "500001")], parameters);

        Assert.Equal((true, 2), (run.Results[0].Success, run.Results[0].Attempts));
        Assert.True(run.Results[1].Success);
        Assert.Contains(run.Verbose, line => line.Contains("WeChat Pay asks to wait 1 s (Retry-After)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable)]
    [InlineData(FaultKind.HtmlError)]
    [InlineData(FaultKind.ResetBeforeProcessing)]
    public void Server_errors_and_connection_resets_are_retried_until_they_pass(FaultKind fault)
    {
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oRetry", Count = 2, Target = FaultTarget.Terminate });

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oRetry", "500001")], Parameters(maxRetries: 3));

        // A reset may hide a processed request, so before each new attempt the query asks; other faults say
        // WeChat Pay did not do the work, and are simply sent again.
        int queries = fault == FaultKind.ResetBeforeProcessing ? 2 : 0;
        TerminateResult result = Assert.Single(run.Results);
        Assert.True(result.Success, result.Message);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3 + queries, _sim.RequestCount);
        Assert.Equal(3 + queries, _sim.ReceivedSignatures.Distinct().Count()); // every request signed afresh
        Assert.Equal(1, _sim.ProcessedTerminates("oRetry", "500001"));
    }

    [Fact]
    public void Retries_stop_at_max_retries_and_the_last_answer_is_reported()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oGiveUp" });

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oGiveUp", "500001")], Parameters(maxRetries: 2));

        TerminateResult result = Assert.Single(run.Results);
        Assert.False(result.Success);
        Assert.Equal((500, "SYSTEM_ERROR", 3), (result.StatusCode, result.Code, result.Attempts));
        Assert.Equal(3, _sim.RequestCount);
    }

    [Fact]
    public void A_refusal_by_wechat_pay_is_not_retried()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.NoAuth, OpenId = "oTwice", Target = FaultTarget.Terminate });

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oTwice", "500001")], Parameters(maxRetries: 5));

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal(403, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(2, _sim.RequestCount); // the terminate, and the query that asks whether it was already ended
    }

    [Fact]
    public void An_unverifiable_answer_is_not_sent_again_but_settled_by_the_query()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oCorrupt", Count = 1 });

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oCorrupt", "500001")], Parameters(maxRetries: 5));

        Assert.Equal((ResultCodes.SettledByQuery, 1), (run.Results[0].Code, run.Results[0].Attempts));
        Assert.Equal(1, _sim.ProcessedTerminates("oCorrupt", "500001"));
        Assert.Equal(2, _sim.RequestCount); // the terminate and the query
    }

    [Fact]
    public void When_the_base_uri_refuses_connections_the_rows_go_to_the_backup_host()
    {
        var parameters = Parameters(throttleLimit: 1);
        parameters["BaseUri"] = new Uri("http://127.0.0.1:9/");
        parameters["BackupBaseUri"] = _sim.BaseUri;

        HostedRun run = HostedRun.Invoke(Rows("oBackup", 3), parameters);

        Assert.All(run.Results, r => Assert.True(r.Success, r.Message));
        Assert.Equal(new[] { 2, 1, 1 }, run.Results.Select(r => r.Attempts)); // the run stays on the backup
        Assert.Equal(3, _sim.Terminates.Count);
    }

    [Fact]
    public void Without_a_backup_a_refused_connection_is_retried_on_the_base_uri_and_reported()
    {
        var parameters = Parameters(maxRetries: 1);
        parameters["BaseUri"] = new Uri("http://127.0.0.1:9/");

        HostedRun run = HostedRun.Invoke([HostedRun.Row("oNowhere", "500001")], parameters);

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((ResultCodes.NetworkError, 2), (result.Code, result.Attempts));
        Assert.Contains("nothing was sent", result.Message);
    }

    [Fact]
    public void Stopping_the_pipeline_cancels_the_rows_in_flight_and_sends_nothing_more()
    {
        _sim.LatencyMs = 30_000;
        var state = System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2();
        state.Commands.Add(new System.Management.Automation.Runspaces.SessionStateCmdletEntry(
            "Invoke-WxPayscoreTerminate", typeof(Commands.InvokeWxPayscoreTerminateCommand), null));
        using var ps = PowerShell.Create(state);
        ps.AddCommand("Invoke-WxPayscoreTerminate");
        foreach (var (name, value) in Parameters(throttleLimit: 4))
        {
            ps.AddParameter(name, value);
        }

        var input = new PSDataCollection<PSObject>(Rows("oStop", 20));
        input.Complete();
        var output = new PSDataCollection<PSObject>();
        IAsyncResult running = ps.BeginInvoke(input, output);
        Assert.True(SpinWait.SpinUntil(() => _sim.InFlight == 4, TimeSpan.FromSeconds(30)), "four rows in flight");

        ps.Stop();

        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));
        Assert.True(SpinWait.SpinUntil(() => _sim.InFlight == 0, TimeSpan.FromSeconds(20)), "the requests in flight were cancelled");
        Assert.Equal(4, _sim.RequestCount);
        Assert.Empty(_sim.Terminates);
        Assert.Empty(output);
    }

    [Fact]
    public void Progress_reports_rows_and_ends_with_a_completed_record()
    {
        var parameters = Parameters();
        parameters["TotalCount"] = 10L;

        HostedRun run = HostedRun.Invoke(Rows("oProgress", 10), parameters);

        Assert.NotEmpty(run.Progress);
        Assert.Contains("of 10 rows", run.Progress[0].StatusDescription);
        Assert.Equal(ProgressRecordType.Completed, run.Progress[^1].RecordType);
    }

    [Fact]
    public void Progress_is_silent_when_progress_preference_says_so()
    {
        using var session = new HostedSession();
        session.Script("$ProgressPreference = 'SilentlyContinue'");

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), Rows("oQuiet", 5));

        Assert.Equal(5, run.Results.Count);
        Assert.Empty(run.Progress);
    }
}
