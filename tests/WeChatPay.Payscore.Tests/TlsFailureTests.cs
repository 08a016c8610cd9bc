using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>A TLS handshake that fails means nothing was sent: no request, no settling query, an honest message.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class TlsFailureTests
{
    private readonly WechatpaySimulator _sim;

    public TlsFailureTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    [Fact]
    public async Task A_server_certificate_this_machine_does_not_trust_ends_each_row_as_never_sent_without_a_query()
    {
        await using var host = new UntrustedTlsHost();
        var parameters = HostedRun.Credentials(_sim);
        parameters["BaseUri"] = host.BaseUri;
        parameters["AppId"] = "wxd678efh567hg6787";
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = 0;
        parameters["ThrottleLimit"] = 1;
        PSObject[] rows = Enumerable.Range(1, 3).Select(i => HostedRun.Row($"oTls{i}", "500001")).ToArray();

        HostedRun run = HostedRun.Invoke(rows, parameters);

        Assert.Equal(3, run.Results.Count);
        Assert.All(run.Results, r =>
        {
            Assert.Equal(ResultCodes.NetworkError, r.Code);
            Assert.Contains("TLS handshake failed", r.Message);
            Assert.Contains("nothing was sent", r.Message);
            Assert.DoesNotContain("inner exception", r.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, r.Attempts);
        });
        Assert.Equal(3, host.Connections); // one handshake a row: no settling query followed
        Assert.Equal(0, host.Requests);
    }

    [Fact]
    public async Task A_query_against_an_untrusted_certificate_is_a_network_error_that_names_the_tls_problem()
    {
        await using var host = new UntrustedTlsHost();
        var parameters = HostedRun.Credentials(_sim);
        parameters["BaseUri"] = host.BaseUri;
        parameters["AppId"] = "wxd678efh567hg6787";
        parameters["MaxRetries"] = 0;
        parameters.Remove("Confirm");

        using var session = new HostedSession();
        HostedRun run = session.Run("Get-WxPayscorePermission", parameters, [HostedRun.Row("oTlsQuery", "500001")], throwTerminatingError: true);

        PayscorePermission result = Assert.Single(run.Permissions);
        Assert.Equal(ResultCodes.NetworkError, result.Code);
        Assert.Contains("TLS handshake failed", result.Message);
        Assert.Equal(0, host.Requests);
    }
}
