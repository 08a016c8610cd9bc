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

    /// <summary>The results in row order (they are written in the order rows finish).</summary>
    public IReadOnlyList<TerminateResult> Results => Output.Select(o => (TerminateResult)o.BaseObject).OrderBy(r => r.RowNumber).ToList();

    /// <summary>Get-WxPayscorePermission's results in row order.</summary>
    public IReadOnlyList<PayscorePermission> Permissions => Output.Select(o => (PayscorePermission)o.BaseObject).OrderBy(r => r.RowNumber).ToList();

    public IReadOnlyList<string> Information { get; init; } = [];

    public IReadOnlyList<InformationRecord> InformationRecords { get; init; } = [];

    public IReadOnlyList<ProgressRecord> Progress { get; init; } = [];

    public static HostedRun Invoke(IEnumerable<PSObject>? rows, IDictionary<string, object?> parameters)
    {
        using var session = new HostedSession();
        return session.Run("Invoke-WxPayscoreTerminate", parameters, rows, throwTerminatingError: true);
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

/// <summary>
/// One runspace with PowerShell's default commands (Import-Csv, Export-Csv, Format-Table, ...), the module's cmdlets
/// and its format views, for commands that build on each other (Connect-WxPayscore, then Invoke-WxPayscoreTerminate);
/// each <see cref="Run"/> is one pipeline.
/// </summary>
internal sealed class HostedSession : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="terminateCommand">What runs as Invoke-WxPayscoreTerminate: the module's cmdlet, or a test's subclass of it.</param>
    public HostedSession(Type? terminateCommand = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Invoke-WxPayscoreTerminate", terminateCommand ?? typeof(InvokeWxPayscoreTerminateCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Get-WxPayscorePermission", typeof(GetWxPayscorePermissionCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Connect-WxPayscore", typeof(ConnectWxPayscoreCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Get-WxPayscoreConnection", typeof(GetWxPayscoreConnectionCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Disconnect-WxPayscore", typeof(DisconnectWxPayscoreCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-WxPayscoreNotification", typeof(ConvertFromWxPayscoreNotificationCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Get-WxPayscorePlatformCertificate", typeof(GetWxPayscorePlatformCertificateCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Get-WxPayscoreJournal", typeof(GetWxPayscoreJournalCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Test-WxPayscoreConnection", typeof(TestWxPayscoreConnectionCommand), null));
        // As the manifest's FormatsToProcess does on Import-Module: Format-Table shows the module's views.
        state.Formats.Add(new SessionStateFormatEntry(Path.Combine(AppContext.BaseDirectory, "WeChatPay.Payscore.Format.ps1xml")));
        // As the module's root does on Import-Module: results list their properties in the order of their columns.
        foreach (TypeData typeData in RowResultAdapter.TypeData)
        {
            state.Types.Add(new SessionStateTypeEntry(typeData, isRemove: false));
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    /// <summary>
    /// Runs <paramref name="command"/>. A terminating error is thrown when <paramref name="throwTerminatingError"/>,
    /// else it ends the run and is listed last in <see cref="HostedRun.Errors"/>, as <c>$Error</c> would show it.
    /// </summary>
    public HostedRun Run(string command, IDictionary<string, object?>? parameters = null, IEnumerable<object>? input = null, bool throwTerminatingError = false)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddCommand(command);
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            ps.AddParameter(name, value);
        }

        var output = new Collection<PSObject>();
        ErrorRecord? terminating = null;
        try
        {
            ps.Invoke(input, output);
        }
        catch (RuntimeException ex) when (!throwTerminatingError)
        {
            terminating = ex.ErrorRecord;
        }

        return new HostedRun
        {
            Output = output,
            Errors = terminating == null ? ps.Streams.Error.ToList() : [.. ps.Streams.Error, terminating],
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Debug = ps.Streams.Debug.Select(v => v.Message).ToList(),
            Warnings = ps.Streams.Warning.Select(v => v.Message).ToList(),
            Information = ps.Streams.Information.Select(v => v.ToString() ?? "").ToList(),
            InformationRecords = ps.Streams.Information.ToList(),
            Progress = ps.Streams.Progress.ToList(),
        };
    }

    /// <summary>Runs a script in the session and gives its output as text; an error fails the test.</summary>
    public string Script(string script, params object[] arguments) =>
        string.Join("\n", Objects(script, arguments).Select(o => o?.ToString()));

    /// <summary>
    /// Runs a script in the session (its arguments are <c>$args</c>) and gives its output objects; an error it did
    /// not silence fails the test rather than giving a short answer.
    /// </summary>
    public Collection<PSObject> Objects(string script, params object[] arguments)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (object argument in arguments)
        {
            ps.AddArgument(argument);
        }

        Collection<PSObject> output = ps.Invoke();
        // Errors the script silenced (-ErrorAction SilentlyContinue) set HadErrors but are not in the stream.
        if (ps.Streams.Error.Count > 0)
        {
            throw new InvalidOperationException($"The script failed: {string.Join("; ", ps.Streams.Error)}");
        }

        return output;
    }

    /// <summary>The session's <c>$Error</c>, newest first, as a script would read it.</summary>
    public IReadOnlyList<object> DollarError() =>
        ((System.Collections.IEnumerable)_runspace.SessionStateProxy.GetVariable("Error")).Cast<object>().ToList();

    public void Dispose() => _runspace.Dispose();
}
