using System.Management.Automation;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Test-WxPayscoreConnection as a script runs it: the settings of the other commands or the session connection, a
/// bad setting stopped before any request, one result object (warnings for what needs attention, never an error for
/// what it found), its views, and never a terminate.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class TestWxPayscoreConnectionTests : ScratchTest
{
    private readonly HostedSession _session = new();

    public TestWxPayscoreConnectionTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-preflight-")
    {
    }

    public override void Dispose()
    {
        Assert.Equal(0, Sim.TerminateRequests);
        Assert.Empty(Sim.Terminates);
        _session.Dispose();
        base.Dispose();
    }

    private Dictionary<string, object?> Parameters(int timeoutSec = 5)
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters.Remove("Confirm");
        parameters["TimeoutSec"] = timeoutSec;
        return parameters;
    }

    private static ConnectionTestResult ResultOf(HostedRun run)
    {
        Assert.Empty(run.Errors);
        return (ConnectionTestResult)Assert.Single(run.Output).BaseObject;
    }

    [Fact]
    public void A_good_setup_from_the_session_connection_passes_quietly()
    {
        Assert.Empty(_session.Run("Connect-WxPayscore", Parameters()).Errors);

        HostedRun run = _session.Run("Test-WxPayscoreConnection", new Dictionary<string, object?> { ["Verbose"] = true });

        ConnectionTestResult result = ResultOf(run);
        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Empty(result.Problems);
        Assert.Empty(run.Warnings);
        Assert.Equal(Sim.Keys.MerchantId, result.MerchantId);
        Assert.Equal(WechatpayKeyMode.Both, result.Mode);
        Assert.Contains(run.Verbose, v => v.StartsWith("Signature: Passed.", StringComparison.Ordinal));
        Assert.Equal(1, Sim.RequestCount);
    }

    [Fact]
    public void WeChat_Pay_120_s_ahead_passes_with_a_warning_that_says_so()
    {
        Sim.ClockOffsetSeconds = 120;

        HostedRun run = _session.Run("Test-WxPayscoreConnection", Parameters(timeoutSec: 3));

        ConnectionTestResult result = ResultOf(run);
        Assert.True(result.Passed);
        Assert.InRange(result.ClockOffset!.Value.TotalSeconds, 118, 122);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains("ahead of this machine's", warning);
    }

    [Fact]
    public void WeChat_Pay_400_s_behind_fails_without_an_error_record_and_the_views_say_what_to_fix()
    {
        Sim.ClockOffsetSeconds = -400;

        HostedRun run = _session.Run("Test-WxPayscoreConnection", Parameters(timeoutSec: 3));

        ConnectionTestResult result = ResultOf(run);
        Assert.False(result.Passed);
        Assert.Equal([ErrorIds.ClockOffsetTooLarge], result.Problems);
        Assert.InRange(result.ClockOffset!.Value.TotalSeconds, -402, -398);
        string list = _session.Script("$args[0] | Out-String -Width 200", result);
        Assert.Matches(@"ClockOffset\s+: -(39[89]|40[012]) s \(WeChat Pay behind\)", list);
        Assert.Matches(@"Problems\s+: ClockOffsetTooLarge", list);
        Assert.Contains("Clock: WeChat Pay's clock is", list);
        string table = _session.Script("$args[0].Checks | Format-Table | Out-String -Width 200", result);
        File.WriteAllText("/tmp/preflight-view.txt", list + "\n----\n" + table + "\n----\n" + _session.Script("$args[0] | Format-Table | Out-String -Width 100", result));
        Assert.Matches(@"Clock\s+Failed", table);
    }

    [Fact]
    public void A_dead_host_is_told_within_the_time_limit_as_WechatpayUnreachable()
    {
        var parameters = Parameters(timeoutSec: 2);
        parameters["BaseUri"] = DeadHost.Next().ToString();

        ConnectionTestResult result = ResultOf(_session.Run("Test-WxPayscoreConnection", parameters));

        Assert.Equal([ErrorIds.WechatpayUnreachable], result.Problems);
        Assert.Null(result.ClockOffset);
        Assert.Equal(0, Sim.RequestCount);
    }

    [Fact]
    public void A_setting_that_cannot_work_stops_the_command_with_its_configuration_error_before_any_request()
    {
        var parameters = Parameters();
        parameters.Remove("MerchantSerialNumber");

        HostedRun run = _session.Run("Test-WxPayscoreConnection", parameters);

        Assert.StartsWith(ErrorIds.MerchantSerialNumberMissing + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Empty(run.Output);
        Assert.Equal(0, Sim.RequestCount);
    }

    [Fact]
    public void The_permission_query_takes_all_three_ids_and_a_bad_one_stops_before_any_request()
    {
        var parameters = Parameters();
        parameters["AppId"] = AppId;
        parameters["ServiceId"] = "500001";
        parameters["OpenId"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

        ConnectionTestResult result = ResultOf(_session.Run("Test-WxPayscoreConnection", parameters));
        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Equal(ConnectionCheckStatus.Passed, result.Checks.Single(c => c.Name == ConnectionTestCheck.Permission).Status);
        Assert.Equal(2, Sim.RequestCount);

        parameters["ServiceId"] = "not a service id";
        HostedRun bad = _session.Run("Test-WxPayscoreConnection", parameters);
        ErrorRecord stop = Assert.Single(bad.Errors);
        Assert.StartsWith(ErrorIds.InvalidInput + ",", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, stop.CategoryInfo.Category);
        Assert.Equal(2, Sim.RequestCount);

        parameters.Remove("OpenId");
        parameters["ServiceId"] = "500001";
        Assert.StartsWith("MissingMandatoryParameter,", Assert.Single(_session.Run("Test-WxPayscoreConnection", parameters).Errors).FullyQualifiedErrorId);
        Assert.Equal(2, Sim.RequestCount);
    }
}
