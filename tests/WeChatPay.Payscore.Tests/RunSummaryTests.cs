using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>One summary per run, on the Information stream (tagged) and as a verbose line, never in the output.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class RunSummaryTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-summary-").FullName;

    public RunSummaryTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, object?> Parameters()
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["MaxRetries"] = 0;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private static RunSummary TheSummary(HostedRun run)
    {
        InformationRecord record = Assert.Single(run.InformationRecords);
        Assert.Equal([RunSummary.Tag], record.Tags);
        return Assert.IsType<RunSummary>(record.MessageData);
    }

    private static PSObject[] Rows() =>
    [
        HostedRun.Row("oSum1", "500001"),
        HostedRun.Row("oSum2", "500001"),
        HostedRun.Row("bad/row", "500001"),
        HostedRun.Row("oSumFails", "500001"),
        HostedRun.Row("oSum1", "500001"),
        HostedRun.Row("oSum3", "500001"),
    ];

    [Fact]
    public void The_terminate_ends_with_one_tagged_summary_of_rows_codes_rate_and_journal()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oSumFails" });
        string journal = Path.Combine(_dir, "run.jsonl");
        var parameters = Parameters();
        parameters["Reason"] = "服务调整";
        parameters["JournalPath"] = journal;
        parameters["Verbose"] = true;

        HostedRun run = HostedRun.Invoke(Rows(), parameters);

        RunSummary summary = TheSummary(run);
        Assert.Equal(("Invoke-WxPayscoreTerminate", 6L, 6L, 3L, 3L), (summary.Command, summary.RowsIn, summary.Results, summary.Succeeded, summary.Failed));
        Assert.Equal(
            new Dictionary<string, long> { ["DUPLICATE"] = 1, ["INVALID_INPUT"] = 1, ["OK"] = 3, ["SYSTEM_ERROR"] = 1 },
            summary.Codes);
        Assert.Equal(journal, summary.JournalPath);
        Assert.Null(summary.StoppedBy);
        Assert.True(summary.Elapsed > TimeSpan.Zero && summary.RowsPerSecond > 0);
        Assert.All(run.Output, o => Assert.IsType<TerminateResult>(o.BaseObject)); // nothing else in the output
        Assert.Equal(6, run.Output.Count);
        string line = Assert.Single(run.Verbose, v => v.StartsWith("Summary: ", StringComparison.Ordinal));
        Assert.Contains("6 rows in, 6 results", line);
        Assert.Contains("3 OK, 1 DUPLICATE, 1 INVALID_INPUT, 1 SYSTEM_ERROR", line);
        Assert.Contains($"Journal: {journal}.", line);
        // Every row's outcome was known at once: nothing was asked again, and the line does not speak of it.
        Assert.Equal((0L, 0L, 0L, TimeSpan.Zero), (summary.SweepRows, summary.SweepAsked, summary.SweepSettled, summary.SweepElapsed));
        Assert.DoesNotContain("Asked again", line);
    }

    [Fact]
    public void Get_WxPayscorePermission_ends_with_one_summary_too()
    {
        _sim.SetAuthorizationState("oSum2", "500001", "UNAVAILABLE");
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oSumFails" });

        var parameters = Parameters();
        parameters.Remove("Confirm");

        using var session = new HostedSession();
        HostedRun run = session.Run("Get-WxPayscorePermission", parameters, Rows());

        RunSummary summary = TheSummary(run);
        Assert.Equal(("Get-WxPayscorePermission", 6L, 4L), (summary.Command, summary.RowsIn, summary.Succeeded));
        Assert.Equal(new Dictionary<string, long> { ["INVALID_INPUT"] = 1, ["OK"] = 4, ["SYSTEM_ERROR"] = 1 }, summary.Codes);
        Assert.Null(summary.JournalPath);
        Assert.All(run.Output, o => Assert.IsType<PayscorePermission>(o.BaseObject));
    }

    [Fact]
    public void A_run_the_module_stops_still_ends_with_its_summary()
    {
        using HostedSession session = DeadHost.QuickToGiveUp();
        var parameters = Parameters();
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = 3;
        parameters["BaseUri"] = DeadHost.Next();
        parameters["BackupBaseUri"] = DeadHost.Next();

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Enumerable.Range(1, 200).Select(i => HostedRun.Row($"oSumDead{i}", "500001")));

        Assert.StartsWith(ErrorIds.WechatpayUnreachable + ",", run.Errors[^1].FullyQualifiedErrorId);
        RunSummary summary = TheSummary(run);
        Assert.Equal(ErrorIds.WechatpayUnreachable, summary.StoppedBy);
        Assert.Equal(run.Results.Count, summary.Results);
        Assert.Equal(new Dictionary<string, long> { ["NETWORK_ERROR"] = run.Results.Count }, summary.Codes);
        Assert.EndsWith("Stopped early: WechatpayUnreachable.", summary.ToString());
    }

    [Fact]
    public void A_configuration_error_before_the_run_writes_no_summary()
    {
        var parameters = Parameters();
        parameters["Reason"] = "服务调整";
        parameters["PrivateKeyPath"] = Path.Combine(_dir, "missing.pem");

        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Rows());

        Assert.StartsWith(ErrorIds.PrivateKeyNotFound + ",", run.Errors[^1].FullyQualifiedErrorId);
        Assert.Empty(run.InformationRecords);
    }
}
