using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// A preference variable where the command runs says what its common parameter would: a runbook sets
/// $ErrorActionPreference = 'Stop' once rather than -ErrorAction on every command.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class PreferencesTests
{
    private readonly WechatpaySimulator _sim;

    public PreferencesTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    private Dictionary<string, object?> Parameters()
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = "wxd678efh567hg6787";
        parameters["Reason"] = "r";
        parameters["ThrottleLimit"] = 1;
        return parameters;
    }

    [Theory]
    [InlineData("'Stop'")]
    [InlineData("[System.Management.Automation.ActionPreference]::Stop")]
    public void ErrorActionPreference_Stop_ends_the_run_at_the_first_failed_row(string preference)
    {
        using var session = new HostedSession();
        session.Script("$global:ErrorActionPreference = " + preference);

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), [HostedRun.Row("bad/row", "500001"), HostedRun.Row("oNeverSent", "500001")]);

        Assert.Equal(new[] { "bad/row" }, run.Results.Select(r => r.OpenId));
        Assert.Equal(0, _sim.RequestCount);
        Assert.StartsWith(ErrorIds.InvalidInput + ",", run.Errors[^1].FullyQualifiedErrorId);
    }

    [Fact]
    public void A_bound_ErrorAction_wins_over_the_preference()
    {
        using var session = new HostedSession();
        session.Script("$global:ErrorActionPreference = 'Stop'");
        var parameters = Parameters();
        parameters["ErrorAction"] = ActionPreference.SilentlyContinue;

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("bad/row", "500001"), HostedRun.Row("oSent", "500001")]);

        Assert.Equal(new (string?, bool)[] { ("bad/row", false), ("oSent", true) }, run.Results.Select(r => (r.OpenId, r.Success)));
        Assert.Equal(new[] { "oSent" }, _sim.Terminates.Select(t => t.OpenId));
    }

    [Fact]
    public void WhatIfPreference_sends_nothing_and_writes_no_journal()
    {
        using var session = new HostedSession();
        session.Script("$global:WhatIfPreference = $true");
        string journal = Path.Combine(Path.GetTempPath(), "wxps-pref-" + Guid.NewGuid().ToString("N") + ".journal");
        var parameters = Parameters();
        parameters["JournalPath"] = journal;

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("oPreview", "500001")]);

        Assert.Equal(0, _sim.RequestCount);
        Assert.False(File.Exists(journal), "a preview writes no journal");
        Assert.Empty(run.Errors);
    }

    [Theory]
    [InlineData("$global:VerbosePreference = 'Continue'", true)]
    [InlineData("$global:VerbosePreference = 'SilentlyContinue'", false)]
    [InlineData("$global:VerbosePreference = 'Ignore'", false)]
    public void VerbosePreference_decides_whether_each_request_is_described(string setting, bool described)
    {
        using var session = new HostedSession();
        session.Script(setting);

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", Parameters(), [HostedRun.Row("oVerbose", "500001")]);

        Assert.True(Assert.Single(run.Results).Success);
        // The per-request lines are gathered only when someone listens: they name the request's path.
        Assert.Equal(described, run.Verbose.Any(line => line.Contains("/v3/payscore/users/oVerbose/permissions/", StringComparison.Ordinal)));
    }
}
