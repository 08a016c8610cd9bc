using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

[CollectionDefinition(Name)]
public sealed class SimulatorCollection : ICollectionFixture<SimulatorFixture>
{
    public const string Name = "simulator";
}

/// <summary>One simulator for the tests of the collection; each test starts from <see cref="WechatpaySimulator.Reset"/>.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public WechatpaySimulator Simulator { get; private set; } = null!;

    public async Task InitializeAsync() => Simulator = await WechatpaySimulator.StartAsync();

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>Runs Invoke-WxPayscoreTerminate in an in-process runspace, the way a script would.</summary>
internal sealed class HostedRun
{
    public required Collection<PSObject> Output { get; init; }

    public required IReadOnlyList<ErrorRecord> Errors { get; init; }

    public required IReadOnlyList<string> Verbose { get; init; }

    public required IReadOnlyList<string> Debug { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public IReadOnlyList<TerminateResult> Results => Output.Select(o => (TerminateResult)o.BaseObject).ToList();

    public static HostedRun Invoke(IEnumerable<PSObject>? rows, IDictionary<string, object?> parameters)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Invoke-WxPayscoreTerminate", typeof(InvokeWxPayscoreTerminateCommand), null));
        using var ps = PowerShell.Create(state);
        ps.AddCommand("Invoke-WxPayscoreTerminate");
        foreach (var (name, value) in parameters)
        {
            ps.AddParameter(name, value);
        }

        Collection<PSObject> output = rows == null ? ps.Invoke() : ps.Invoke(rows);
        return new HostedRun
        {
            Output = output,
            Errors = ps.Streams.Error.ToList(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Debug = ps.Streams.Debug.Select(v => v.Message).ToList(),
            Warnings = ps.Streams.Warning.Select(v => v.Message).ToList(),
        };
    }

    public static PSObject Row(string? openid, string? serviceId, string? appid = null, string? reason = null)
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("openid", openid));
        row.Properties.Add(new PSNoteProperty("service_id", serviceId));
        if (appid != null)
        {
            row.Properties.Add(new PSNoteProperty("appid", appid));
        }

        if (reason != null)
        {
            row.Properties.Add(new PSNoteProperty("reason", reason));
        }

        return row;
    }

    public static Dictionary<string, object?> Credentials(WechatpaySimulator simulator, bool platformCertificate = false)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["MerchantId"] = simulator.Keys.MerchantId,
            ["MerchantSerialNumber"] = simulator.Keys.MerchantSerialNumber,
            ["PrivateKeyPath"] = simulator.Keys.MerchantPrivateKeyPath,
            ["BaseUri"] = simulator.BaseUri,
            ["Confirm"] = false,
        };
        if (platformCertificate)
        {
            parameters["PlatformCertificatePath"] = new[] { simulator.Keys.PlatformCertificatePath };
        }
        else
        {
            parameters["WechatpayPublicKeyId"] = simulator.Keys.PublicKeyId;
            parameters["WechatpayPublicKeyPath"] = simulator.Keys.PublicKeyPath;
        }

        return parameters;
    }
}
