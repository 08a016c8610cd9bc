using System.Management.Automation;
using WeChatPay.Payscore.Protocol;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Runs that have no chance stop: WeChat Pay cannot be reached (base and backup host), or it refuses every
/// signature. Finished rows keep their results, no later row is sent, and a rerun with the journal picks up.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class RunStopTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-stop-").FullName;

    public RunStopTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

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

    private Dictionary<string, object?> Dead(Dictionary<string, object?> parameters)
    {
        parameters["BaseUri"] = DeadHost.Next();
        parameters["BackupBaseUri"] = DeadHost.Next();
        return parameters;
    }

    private static PSObject[] Rows(int count, string prefix) =>
        Enumerable.Range(1, count).Select(i => HostedRun.Row($"{prefix}{i}", "500001")).ToArray();

    [Fact]
    public void When_neither_host_connects_the_run_stops_with_WechatpayUnreachable_and_sends_no_later_row()
    {
        using HostedSession session = DeadHost.QuickToGiveUp();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Dead(Parameters()), Rows(300, "oDead"));

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.WechatpayUnreachable + ",", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, stop.CategoryInfo.Category);
        Assert.Contains("no request has had an answer since", stop.Exception.Message);
        Assert.Contains($"The run stopped after row {run.Results.Count}", stop.Exception.Message);

        // Every row that was taken in has its result (rows 1 to N, nothing sent for any), the rows in flight stopped
        // retrying, and no later row was taken in: far fewer requests than 300 rows x 4 attempts were tried.
        Assert.InRange(run.Results.Count, 1, 100);
        Assert.Equal(Enumerable.Range(1, run.Results.Count).Select(i => (long)i), run.Results.Select(r => r.RowNumber));
        Assert.All(run.Results, r => Assert.Equal(ResultCodes.NetworkError, r.Code));
        Assert.All(run.Results, r => Assert.Contains("nothing was sent", r.Message));
        Assert.InRange(run.Results.Sum(r => r.Attempts), 8, 150);
    }

    [Fact]
    public void Get_WxPayscorePermission_stops_the_same_way()
    {
        using HostedSession session = DeadHost.QuickToGiveUp();
        HostedRun run = session.Run("Get-WxPayscorePermission", WithoutTerminateParameters(Dead(Parameters())), Rows(300, "oDeadQuery"));

        Assert.StartsWith(ErrorIds.WechatpayUnreachable + ",", run.Errors[^1].FullyQualifiedErrorId);
        Assert.InRange(run.Permissions.Count, 1, 100);
        Assert.All(run.Permissions, p => Assert.Equal(ResultCodes.NetworkError, p.Code));
    }

    [Fact]
    public void After_a_stop_for_an_unreachable_host_the_rerun_with_the_journal_picks_up_and_sends_each_row_once()
    {
        string journal = Path.Combine(_dir, "run.jsonl");
        var rows = Enumerable.Range(1, 120).Select(i => HostedRun.Row($"oResume{i}", "500001")).ToArray();
        HostedRun stopped;
        using (HostedSession session = DeadHost.QuickToGiveUp())
        {
            var dead = Dead(Parameters());
            dead["JournalPath"] = journal;
            stopped = session.Run("Invoke-WxPayscoreTerminate", dead, rows);
        }

        var again = Parameters();
        again["JournalPath"] = journal;
        HostedRun rerun = HostedRun.Invoke(rows, again);

        Assert.StartsWith(ErrorIds.WechatpayUnreachable + ",", stopped.Errors[^1].FullyQualifiedErrorId);
        Assert.Contains($"-JournalPath '{journal}'", stopped.Errors[^1].Exception.Message);
        // Rows read ahead of the stop come out NOT_STARTED, never sent; rows not read have no result.
        Assert.InRange(stopped.Results.Count(r => r.Code != ResultCodes.NotStarted), 1, 100);
        Assert.InRange(stopped.Results.Count, 1, 119);
        Assert.All(stopped.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.Contains($"the run stopped ({ErrorIds.WechatpayUnreachable})", r.Message));
        Assert.Equal(120, rerun.Results.Count);
        Assert.All(rerun.Results, r => Assert.True(r.Success, $"{r.OpenId}: {r.Code} {r.Message}"));
        Assert.Equal(120, _sim.Terminates.Count);
        Assert.All(rows, row => Assert.Equal(1, _sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
    }

    [Fact]
    public void A_dead_host_that_comes_back_in_time_does_not_stop_the_run()
    {
        // The default rule: 30 s without any answer. A base URI that refuses is not an outage while the backup answers.
        var parameters = Parameters();
        parameters["BaseUri"] = DeadHost.Next();
        parameters["BackupBaseUri"] = _sim.BaseUri;

        HostedRun run = HostedRun.Invoke(Enumerable.Range(1, 40).Select(i => HostedRun.Row($"oBackupOk{i}", "500001")), parameters);

        Assert.Equal(40, run.Results.Count(r => r.Success));
    }

    [Fact]
    public void A_wrong_private_key_stops_the_run_with_SignatureRejected_naming_the_key()
    {
        var parameters = Parameters();
        parameters["PrivateKeyPath"] = TestKeys.Pkcs8KeyPath; // not the key of the simulator's merchant certificate
        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, Rows(200, "oWrongKey"));

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.SignatureRejected + ",", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, stop.CategoryInfo.Category);
        Assert.Contains("the private key does not belong to the merchant API certificate", stop.Exception.Message);
        Assert.InRange(run.Results.Count, RunHealthLimits.Default.RefusedSignatures, RunHealthLimits.Default.RefusedSignatures + 8);
        Assert.All(run.Results, r => Assert.Equal("SIGN_ERROR", r.Code));
        Assert.Equal(run.Results.Count, _sim.RequestCount);
        Assert.Empty(_sim.Terminates);
    }

    [Fact]
    public void A_clock_ten_minutes_off_stops_the_run_with_SignatureRejected_naming_the_clock()
    {
        _sim.ClockOffsetSeconds = 600; // WeChat Pay's clock is 10 minutes ahead of this computer's
        var parameters = Parameters(throttleLimit: 2);

        using var session = new HostedSession();
        HostedRun run = session.Run("Get-WxPayscorePermission", WithoutTerminateParameters(parameters), Rows(200, "oClock"));

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.SignatureRejected + ",", stop.FullyQualifiedErrorId);
        Assert.Matches("this computer's clock is (59\\d|60\\d) s behind WeChat Pay's", stop.Exception.Message);
        // The answers are stale as well as refused, so a query asks again up to -MaxRetries times: the streak of
        // refused answers may be reached within fewer rows than it has answers, never after more.
        Assert.InRange(run.Permissions.Count, 1, RunHealthLimits.Default.RefusedSignatures + 4);
        Assert.InRange(_sim.RequestCount, RunHealthLimits.Default.RefusedSignatures, RunHealthLimits.Default.RefusedSignatures + (2 * 4));
    }

    private static Dictionary<string, object?> WithoutTerminateParameters(Dictionary<string, object?> parameters)
    {
        parameters.Remove("Reason");
        parameters.Remove("Confirm");
        return parameters;
    }
}
