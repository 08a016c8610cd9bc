using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Get-WxPayscorePermission against the simulator: the states, bad input, retries and untrusted answers.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class GetWxPayscorePermissionTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;
    private readonly HostedSession _session = new();

    public GetWxPayscorePermissionTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose() => _session.Dispose();

    private Dictionary<string, object?> Parameters()
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters.Remove("Confirm");
        parameters["AppId"] = AppId;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private static PSObject Row(string? openId, string serviceId = "500001") => HostedRun.Row(openId, serviceId);

    [Fact]
    public void Each_row_gets_its_authorization_state_and_times_and_nothing_is_changed()
    {
        var terminate = HostedRun.Credentials(_sim);
        terminate["AppId"] = AppId;
        terminate["Reason"] = "服务调整";
        HostedRun.Invoke([Row("oEnded")], terminate);
        _sim.SetAuthorizationState("oUnbound", "500001", "UNBINDUSER");
        int terminates = _sim.Terminates.Count;

        HostedRun run = _session.Run("Get-WxPayscorePermission", Parameters(), [Row("oStands"), Row("oEnded"), Row("oUnbound")]);

        Assert.Empty(run.Errors);
        Assert.Equal(["AVAILABLE", "UNAVAILABLE", "UNBINDUSER"], run.Permissions.Select(p => p.AuthorizationState));
        Assert.All(run.Permissions, p => Assert.True(p.Success && p.Code == ResultCodes.Ok && p.AuthorizationTime != null, p.Message));
        Assert.Null(run.Permissions[0].CancelAuthorizationTime);
        Assert.NotNull(run.Permissions[1].CancelAuthorizationTime);
        Assert.Equal(TimeSpan.FromHours(8), run.Permissions[1].CancelAuthorizationTime!.Value.Offset);
        Assert.Equal(terminates, _sim.Terminates.Count);
    }

    [Fact]
    public void Bad_input_gets_invalid_input_and_is_never_sent()
    {
        HostedRun run = _session.Run("Get-WxPayscorePermission", Parameters(), [Row("o/../x"), Row(null), Row("oFine")]);

        Assert.Equal([ResultCodes.InvalidInput, ResultCodes.InvalidInput, ResultCodes.Ok], run.Permissions.Select(p => p.Code));
        Assert.Equal(2, run.Errors.Count);
        Assert.All(run.Errors, e => Assert.StartsWith(ErrorIds.InvalidInput + ",", e.FullyQualifiedErrorId));
        Assert.Equal(1, _sim.RequestCount);
    }

    [Fact]
    public void Server_errors_and_broken_connections_are_retried_because_a_query_changes_nothing()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oRetry", Count = 1, Target = FaultTarget.Query });
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = "oRetry", Count = 1, Target = FaultTarget.Query });

        HostedRun run = _session.Run("Get-WxPayscorePermission", Parameters(), [Row("oRetry")]);

        PayscorePermission result = Assert.Single(run.Permissions);
        Assert.Equal((true, "AVAILABLE", 3), (result.Success, result.AuthorizationState, result.Attempts));
    }

    [Fact]
    public void An_answer_that_does_not_verify_gives_no_state()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oTampered", Target = FaultTarget.Query });

        HostedRun run = _session.Run("Get-WxPayscorePermission", Parameters(), [Row("oTampered")]);

        PayscorePermission result = Assert.Single(run.Permissions);
        Assert.False(result.Success);
        Assert.Null(result.AuthorizationState);
        Assert.Equal(ResultCodes.ResponseUnverified, result.Code);
        Assert.StartsWith(ErrorIds.ResponseUnverified + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
    }
}
