using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// What public reports show of WeChat Pay's answers, against the simulator: unsigned error answers, 500s that repeat,
/// 429s under other codes. Either answer WeChat Pay may give must work.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class WechatpayAnswerRunTests
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;

    public WechatpayAnswerRunTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    private Dictionary<string, object?> Parameters(string command, int maxRetries = 2)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["MaxRetries"] = maxRetries;
        parameters["MaxRequestsPerSecond"] = 0.0;
        if (command == "Invoke-WxPayscoreTerminate")
        {
            parameters["Reason"] = "服务调整";
        }
        else
        {
            parameters.Remove("Confirm");
        }

        return parameters;
    }

    private HostedRun Run(string command, string openId, int maxRetries = 2)
    {
        using var session = new HostedSession();
        return session.Run(command, Parameters(command, maxRetries), [HostedRun.Row(openId, "500001")]);
    }

    [Theory]
    [InlineData(FaultKind.NoAuth, "NO_AUTH")]
    [InlineData(FaultKind.InvalidRequest, "INVALID_REQUEST")]
    public void An_unsigned_refusal_of_a_terminate_costs_one_settling_query_and_is_never_taken_as_verified(FaultKind kind, string code)
    {
        _sim.AddFault(new FaultRule { Kind = kind, Target = FaultTarget.Terminate, Unsigned = true });

        TerminateResult result = Assert.Single(Run("Invoke-WxPayscoreTerminate", "oUnsignedRefusal").Results);

        Assert.False(result.Success);
        Assert.Equal(code, result.Code);
        Assert.Contains("unsigned", result.Message);
        Assert.Contains("AVAILABLE", result.Message); // what the one query said
        Assert.Equal(1, result.Attempts);
        Assert.Equal(2, _sim.RequestCount); // the terminate and one query: nothing sent again
        Assert.Empty(_sim.Terminates);
    }

    [Fact]
    public void An_unsigned_refusal_of_an_authorization_that_is_ended_is_settled_by_the_query()
    {
        _sim.SetAuthorizationState("oUnsignedEnded", "500001", "UNAVAILABLE");
        _sim.AddFault(new FaultRule { Kind = FaultKind.NoAuth, Target = FaultTarget.Terminate, Unsigned = true });

        TerminateResult result = Assert.Single(Run("Invoke-WxPayscoreTerminate", "oUnsignedEnded").Results);

        Assert.True(result.Success, result.Message);
        Assert.Equal(ResultCodes.SettledByQuery, result.Code);
        Assert.Equal(2, _sim.RequestCount);
    }

    [Fact]
    public void An_unsigned_refusal_of_a_query_is_reported_as_WeChat_Pays_code_and_not_asked_again()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.NoAuth, Target = FaultTarget.Query, Unsigned = true });

        PayscorePermission result = Assert.Single(Run("Get-WxPayscorePermission", "oUnsignedQuery").Permissions);

        Assert.False(result.Success);
        Assert.Equal("NO_AUTH", result.Code);
        Assert.Contains("unsigned", result.Message);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(1, _sim.RequestCount);
    }

    [Fact]
    public void Unsigned_500s_on_a_terminate_are_retried_within_MaxRetries_then_settled_by_one_query()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, Target = FaultTarget.Terminate, Unsigned = true });

        TerminateResult result = Assert.Single(Run("Invoke-WxPayscoreTerminate", "oUnsigned500", maxRetries: 2).Results);

        Assert.Equal("SYSTEM_ERROR", result.Code);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(4, _sim.RequestCount); // three terminates and one query
        Assert.Contains("an appid and openid that do not belong together", result.Message);
    }

    [Fact]
    public void A_query_that_ends_on_repeated_500s_stops_at_MaxRetries_and_names_the_known_cause()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, Target = FaultTarget.Query });

        PayscorePermission result = Assert.Single(Run("Get-WxPayscorePermission", "oRepeated500", maxRetries: 3).Permissions);

        Assert.Equal("SYSTEM_ERROR", result.Code);
        Assert.Equal(4, result.Attempts);
        Assert.Equal(4, _sim.RequestCount);
        Assert.Contains("系统繁忙,请稍后重试", result.Message);
        Assert.Contains("an appid and openid that do not belong together", result.Message);
    }

    [Fact]
    public void A_429_under_another_code_is_a_rate_limit_retried_and_categorised_as_one()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.RateLimited, Code = "RATELIMIT_EXCEED", Target = FaultTarget.Terminate });

        HostedRun run = Run("Invoke-WxPayscoreTerminate", "oRateLimitExceed", maxRetries: 1);

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal(("RATELIMIT_EXCEED", 2), (result.Code, result.Attempts));
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
    }
}
