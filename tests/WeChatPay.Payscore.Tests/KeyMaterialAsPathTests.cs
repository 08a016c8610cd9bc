using System.Management.Automation;
using System.Text;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Key text given where a path is expected, on every path-taking parameter and environment variable: the command
/// stops with KeyMaterialGivenAsPath before anything is sent, and no run of the key shows anywhere a script, a
/// transcript or a job log could see it, in either of the module's languages.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class KeyMaterialAsPathTests : ScratchTest
{

    public KeyMaterialAsPathTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-keypath-")
    {
    }

    /// <summary>The merchant's private key as PEM text, or its apiclient_cert.p12 as Base64.</summary>
    private string KeyText(string kind) => kind == "Pem"
        ? Sim.Keys.MerchantPrivateKeyPem
        : Convert.ToBase64String(File.ReadAllBytes(Sim.Keys.MerchantPkcs12Path));

    public static IEnumerable<object[]> Parameters()
    {
        foreach (string command in new[] { "Invoke-WxPayscoreTerminate", "Connect-WxPayscore", "Get-WxPayscorePermission" })
        {
            foreach (string parameter in new[] { "PrivateKeyPath", "CertificatePath", "MerchantCertificatePath", "WechatpayPublicKeyPath", "PlatformCertificatePath", "JournalPath" })
            {
                if (parameter == "JournalPath" && command != "Invoke-WxPayscoreTerminate")
                {
                    continue;
                }

                foreach (string kind in new[] { "Pem", "Pkcs12" })
                {
                    yield return [command, parameter, kind];
                }
            }
        }
    }

    public static IEnumerable<object[]> Variables()
    {
        foreach (string command in new[] { "Invoke-WxPayscoreTerminate", "Connect-WxPayscore" })
        {
            foreach (string variable in new[] { "WXPAY_PRIVATE_KEY_PATH", "WXPAY_PUBLIC_KEY_PATH" })
            {
                foreach (string kind in new[] { "Pem", "Pkcs12" })
                {
                    yield return [command, variable, kind];
                }
            }
        }
    }

    /// <summary>The command's own parameters: the simulator's credentials, a journal for the terminate.</summary>
    private Dictionary<string, object?> ParametersFor(string command)
    {
        var parameters = HostedRun.Credentials(Sim);
        if (command == "Invoke-WxPayscoreTerminate")
        {
            parameters["AppId"] = AppId;
            parameters["Reason"] = "服务调整";
            parameters["JournalPath"] = Path.Combine(Dir, "journal.jsonl");
        }
        else
        {
            parameters.Remove("Confirm");
        }

        return parameters;
    }

    public static IEnumerable<object[]> ParametersInEachLanguage() => TestLanguage.InEach(Parameters());

    public static IEnumerable<object[]> VariablesInEachLanguage() => TestLanguage.InEach(Variables());

    [Theory]
    [MemberData(nameof(ParametersInEachLanguage))]
    public void Key_text_given_to_a_path_parameter_stops_and_never_shows(string command, string parameter, string kind, string culture)
    {
        string key = KeyText(kind);
        var parameters = ParametersFor(command);
        parameters[parameter] = parameter == "PlatformCertificatePath" ? new[] { key } : key;

        using var language = TestLanguage.Use(culture);
        Leak leak = RunAndCollect(command, parameters);

        AssertStoppedWithKeyMaterialGivenAsPath(leak, "-" + parameter, kind, culture);
        KeyLeak.AssertNone(leak.Text, KeyLeak.Base64Of(key), $"what {command} -{parameter} left behind");
    }

    [Theory]
    [MemberData(nameof(VariablesInEachLanguage))]
    public void Key_text_in_a_path_environment_variable_stops_and_never_shows(string command, string variable, string kind, string culture)
    {
        string key = KeyText(kind);
        var parameters = ParametersFor(command);
        if (variable == "WXPAY_PRIVATE_KEY_PATH")
        {
            parameters.Remove("PrivateKeyPath");
        }
        else
        {
            parameters.Remove("WechatpayPublicKeyId");
            parameters.Remove("WechatpayPublicKeyPath");
            Environment.SetEnvironmentVariable("WXPAY_PUBLIC_KEY_ID", Sim.Keys.PublicKeyId);
        }

        Environment.SetEnvironmentVariable(variable, key);

        using var language = TestLanguage.Use(culture);
        Leak leak = RunAndCollect(command, parameters);

        AssertStoppedWithKeyMaterialGivenAsPath(leak, variable, kind, culture);
        Assert.Contains(variable == "WXPAY_PRIVATE_KEY_PATH" ? "WXPAY_PRIVATE_KEY" : "WXPAY_PUBLIC_KEY", leak.Stop!.Exception.Message);
        KeyLeak.AssertNone(leak.Text, KeyLeak.Base64Of(key), $"what {command} with {variable} left behind");
    }

    [Theory]
    [MemberData(nameof(TestLanguage.Each), MemberType = typeof(TestLanguage))]
    public void Key_text_in_a_path_variable_that_a_parameter_overrides_is_not_used_and_does_not_stop_the_run(string culture)
    {
        string key = KeyText("Pem");
        Environment.SetEnvironmentVariable("WXPAY_PRIVATE_KEY_PATH", key);
        using var language = TestLanguage.Use(culture);

        Leak leak = RunAndCollect("Invoke-WxPayscoreTerminate", ParametersFor("Invoke-WxPayscoreTerminate"));

        Assert.Null(leak.Stop);
        Assert.True(Assert.Single(leak.Run.Results).Success);
        Assert.Equal(1, Sim.RequestCount);
        KeyLeak.AssertNone(leak.Text, KeyLeak.Base64Of(key), "the run");
    }

    [Fact]
    public void The_messages_say_what_was_given_and_where_it_belongs()
    {
        var pemAsKeyPath = ParametersFor("Connect-WxPayscore");
        pemAsKeyPath["PrivateKeyPath"] = KeyText("Pem");
        var p12AsCertificatePath = ParametersFor("Connect-WxPayscore");
        p12AsCertificatePath["CertificatePath"] = KeyText("Pkcs12");

        string pem = RunAndCollect("Connect-WxPayscore", pemAsKeyPath).Stop!.Exception.Message;
        string p12 = RunAndCollect("Connect-WxPayscore", p12AsCertificatePath).Stop!.Exception.Message;

        Assert.StartsWith("The value of -PrivateKeyPath looks like PEM key text, not a path; pass the key's text with -PrivateKey", pem);
        Assert.Contains("WXPAY_PRIVATE_KEY", pem);
        Assert.StartsWith("The value of -CertificatePath looks like Base64 key data (such as the content of a .p12 file), not a path;", p12);
        Assert.Contains("[Convert]::FromBase64String", p12);
    }

    [Theory]
    [InlineData("PrivateKeyPath", ErrorIds.PrivateKeyNotFound)]
    [InlineData("CertificatePath", ErrorIds.CertificateNotFound)]
    [InlineData("JournalPath", ErrorIds.JournalUnavailable)]
    public void A_path_powershell_cannot_resolve_stops_with_the_settings_own_id_and_an_excerpt(string parameter, string errorId)
    {
        string path = "nosuchdrive" + new string('x', 500) + @":\apiclient_key.pem";
        var parameters = ParametersFor("Invoke-WxPayscoreTerminate");
        parameters[parameter] = path;

        using var session = new HostedSession();
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("oDrive", "500001", AppId)]);

        ErrorRecord stop = Assert.Single(run.Errors);
        Assert.StartsWith(errorId + ",", stop.FullyQualifiedErrorId);
        Assert.Contains($"({"-" + parameter}) is not a file-system path PowerShell can resolve", stop.Exception.Message);
        Assert.Contains($@"\apiclient_key.pem({path.Length:N0} characters)", stop.Exception.Message);
        Assert.DoesNotContain(path, stop.Exception.ToString());
        Assert.Equal(0, Sim.RequestCount);
    }

    [Fact]
    public void The_leak_check_finds_a_key_quoted_whole_or_split_over_lines()
    {
        string key = KeyText("Pem");
        string base64 = KeyLeak.Base64Of(key);

        Assert.NotNull(KeyLeak.Find($"The merchant private key file '/tmp/{key}' does not exist.", base64));
        Assert.NotNull(KeyLeak.Find("x " + base64.Substring(100, 20) + "\n   " + base64.Substring(120, 20) + " y", base64));
        Assert.Null(KeyLeak.Find("The value of -PrivateKeyPath looks like PEM key text, not a path.", base64));
    }

    private static void AssertStoppedWithKeyMaterialGivenAsPath(Leak leak, string name, string kind, string culture)
    {
        Assert.NotNull(leak.Stop);
        Assert.StartsWith(ErrorIds.KeyMaterialGivenAsPath + ",", leak.Stop!.FullyQualifiedErrorId);
        if (culture == "zh-CN")
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", leak.Stop.Exception.Message);
            Assert.Contains(name, leak.Stop.Exception.Message);
        }
        else
        {
            Assert.StartsWith($"The value of {name} looks like {(kind == "Pem" ? "PEM key text, not a path;" : "Base64 key data (such as the content of a .p12 file), not a path;")}", leak.Stop.Exception.Message);
        }

        Assert.Empty(leak.Run.Output);
        Assert.False(File.Exists(Path.Combine(leak.Directory, "journal.jsonl")), "the journal was created");
    }

    /// <summary>What a run left where a person or a log could read it, as text.</summary>
    private sealed record Leak(HostedRun Run, ErrorRecord? Stop, string Text, string Directory);

    /// <summary>
    /// Runs the command with every stream switched on, in a folder of its own, then gathers as text everything it
    /// left (<see cref="LeftBehind"/>) and the names and contents of the files in its folder (the journal).
    /// </summary>
    private Leak RunAndCollect(string command, Dictionary<string, object?> parameters)
    {
        using var session = new HostedSession();
        session.Script("Set-Location $args[0]; " + LeftBehind.AllStreamsOn, Dir);
        // Rows go only to the commands that take them: a row piped to Connect-WxPayscore is a binding error, which
        // Get-Error shows with every bound parameter, as PowerShell does for any command.
        PSObject[]? rows = command == "Connect-WxPayscore" ? null : [HostedRun.Row("oKeyPath", "500001", AppId, "服务调整")];
        HostedRun run = session.Run(command, parameters, rows);
        ErrorRecord? stop = run.Errors.LastOrDefault(e => e.FullyQualifiedErrorId.StartsWith(ErrorIds.KeyMaterialGivenAsPath + ",", StringComparison.Ordinal));
        if (stop == null)
        {
            Assert.Empty(run.Errors);
        }
        else
        {
            Assert.NotEmpty(session.DollarError());
        }

        StringBuilder text = LeftBehind.Text(session, run);
        foreach (string file in Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories))
        {
            text.AppendLine(file);
            if (File.Exists(file))
            {
                text.AppendLine(File.ReadAllText(file));
            }
        }

        if (stop != null)
        {
            Assert.Equal(0, Sim.RequestCount);
        }

        return new Leak(run, stop, text.ToString(), Dir);
    }
}
