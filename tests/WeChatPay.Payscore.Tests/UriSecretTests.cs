using System.Management.Automation;
using WeChatPay.Payscore.Crypto;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// A password or a signature inside an address (user info, a query, a fragment, a path the parser took it for), on
/// every parameter and environment variable that takes an address, on every command: the command stops before
/// anything is sent, no connection is made, and the secret shows nowhere a script, a transcript or a job log could
/// see it; not even when the text cannot be read as an address at all.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class UriSecretTests : ScratchTest
{
    /// <summary>The password, query signature or fragment: no run of 8 of its characters may show.</summary>
    private const string Secret = "Hunter2xQz7Secret";

    /// <summary>A password of digits and a slash: the parser takes the digits for a port, so they must not show either.</summary>
    private const string DigitPassword = "13579";

    public UriSecretTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-urisecret-")
    {
    }

    /// <summary>
    /// Base URIs that hold the secret. Each is refused; those that today pass the check reach only 127.0.0.1:9, where
    /// nothing listens, so that no test sends anything to WeChat Pay.
    /// </summary>
    private static readonly Dictionary<string, string> BaseUris = new()
    {
        ["UserInfo"] = $"https://alice:{Secret}@api.mch.weixin.qq.com",
        ["UserOnly"] = $"https://{Secret}@api.mch.weixin.qq.com/",
        ["Query"] = $"https://api.mch.weixin.qq.com/?sig={Secret}",
        ["Fragment"] = $"http://127.0.0.1:9/#{Secret}",
        ["Everything"] = $"https://alice:{Secret}@api.mch.weixin.qq.com/v3/?sig={Secret}#{Secret}",
        ["PlainHttp"] = $"http://alice:{Secret}@api.mch.weixin.qq.com",
        ["Unparseable"] = $"https://alice:{Secret}@[api.mch.weixin.qq.com",
        ["BadPort"] = $"https://alice:{Secret}@api.mch.weixin.qq.com:99999",
        ["OtherScheme"] = $"ftp://alice:{Secret}@api.mch.weixin.qq.com",
        ["NoScheme"] = $"alice:{Secret}@api.mch.weixin.qq.com",
        ["PasswordAsPort"] = $"https://alice:{DigitPassword}/{Secret}@api.mch.weixin.qq.com",
    };

    /// <summary>Proxies that hold the secret; those that today pass the check point at 127.0.0.1:9 or at no real host.</summary>
    private static readonly Dictionary<string, string> Proxies = new()
    {
        ["Socks"] = $"socks5://bob:{Secret}@proxy.corp.example:1080",
        ["Ftp"] = $"ftp://bob:{Secret}@proxy.corp.example",
        ["Http"] = $"http://bob:{Secret}@proxy.corp.example:8080",
        ["Query"] = $"http://127.0.0.1:9/?token={Secret}",
        ["Fragment"] = $"http://127.0.0.1:9/#{Secret}",
        ["UserColonPassword"] = $"bob:{Secret}",
        ["NoScheme"] = $"bob:{Secret}@proxy.corp.example:8080",
        ["Unparseable"] = $"http://bob:{Secret}@[proxy.corp.example",
        ["PasswordAsPort"] = $"https://bob:{DigitPassword}/{Secret}@proxy.corp.example",
    };

    private static readonly string[] Commands =
    [
        "Invoke-WxPayscoreTerminate", "Get-WxPayscorePermission", "Connect-WxPayscore", "Get-WxPayscorePlatformCertificate",
        "ConvertFrom-WxPayscoreNotification", "Test-WxPayscoreConnection",
    ];

    private static bool IsBulk(string command) => command is "Invoke-WxPayscoreTerminate" or "Get-WxPayscorePermission";

    public static IEnumerable<object[]> Cases()
    {
        foreach (string command in Commands)
        {
            foreach (string form in BaseUris.Keys)
            {
                yield return [command, "BaseUri", form];
                yield return [command, "WXPAY_BASE_URI", form];
                if (IsBulk(command))
                {
                    yield return [command, "BackupBaseUri", form];
                }
            }

            foreach (string form in Proxies.Keys)
            {
                yield return [command, "Proxy", form];
            }
        }
    }

    public static IEnumerable<object[]> CasesInEachLanguage() => TestLanguage.InEach(Cases());

    [Theory]
    [MemberData(nameof(CasesInEachLanguage))]
    public void An_address_that_holds_a_secret_stops_the_command_and_the_secret_never_shows(string command, string setting, string form, string culture)
    {
        string value = setting == "Proxy" ? Proxies[form] : BaseUris[form];
        var parameters = ParametersFor(command);
        if (setting == "WXPAY_BASE_URI")
        {
            parameters.Remove("BaseUri");
            Environment.SetEnvironmentVariable(setting, value);
        }
        else
        {
            parameters[setting] = value;
        }

        using var language = TestLanguage.Use(culture);
        using var session = new HostedSession();
        session.Script("Set-Location $args[0]; " + LeftBehind.AllStreamsOn, Dir);
        HostedRun run = session.Run(command, parameters, IsBulk(command) ? [HostedRun.Row("oUriSecret", "500001", AppId, "服务调整")] : null);
        string connection = session.Script("Get-WxPayscoreConnection | Format-List * -Force | Out-String -Width 500; Get-WxPayscoreConnection | Out-String -Width 500");
        var left = LeftBehind.Text(session, run).AppendLine(connection);
        foreach (string file in Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories))
        {
            left.AppendLine(file).AppendLine(File.ReadAllText(file));
        }

        string text = left.ToString();

        AssertNoSecret(text, form, $"what {command} {(setting.StartsWith("WXPAY", StringComparison.Ordinal) ? "with " : "-")}{setting} ({form}) left behind");
        ErrorRecord stop = Assert.Single(run.Errors);
        Assert.StartsWith(setting == "Proxy" ? ErrorIds.ProxyInvalid + "," : "BaseUri", stop.FullyQualifiedErrorId);
        Assert.Empty(run.Output);
        Assert.Equal(string.Empty, connection.Trim());
        Assert.Equal(0, Sim.RequestCount);
    }

    [Fact]
    public void A_proxy_with_a_query_is_refused_and_the_connection_shows_only_the_clean_address_it_was_made_with()
    {
        using var session = new HostedSession();
        var good = ParametersFor("Connect-WxPayscore");
        good["Proxy"] = "http://127.0.0.1:9";
        session.Run("Connect-WxPayscore", good);
        var bad = ParametersFor("Connect-WxPayscore");
        bad["Proxy"] = Proxies["Query"];
        HostedRun refused = session.Run("Connect-WxPayscore", bad);

        string shown = session.Script("Get-WxPayscoreConnection | Format-List * -Force | Out-String -Width 500; (Get-WxPayscoreConnection).ToString()");

        Assert.StartsWith(ErrorIds.ProxyInvalid + ",", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Contains("http://127.0.0.1:9", shown);
        AssertNoSecret(shown, "Query", "the connection shown");
    }

    /// <summary>The check itself finds the secret in the forms a leak would take.</summary>
    [Fact]
    public void The_leak_check_finds_a_piece_of_the_secret_or_the_digit_password()
    {
        Assert.NotNull(FindSecret($"'https://alice:{Secret.Substring(3, 8)}…'", "UserInfo"));
        Assert.NotNull(FindSecret($"https://alice:{DigitPassword} (path removed)", "PasswordAsPort"));
        Assert.Null(FindSecret("https://api.mch.weixin.qq.com <user info removed>", "PasswordAsPort"));
    }

    private static void AssertNoSecret(string text, string form, string where)
    {
        string? found = FindSecret(text, form);
        if (found != null)
        {
            Assert.Fail($"'{found}' of the secret appears in {where}.");
        }
    }

    /// <summary>The first run of 8 characters of the secret in the text, or the digit password shown as a port; null when none.</summary>
    private static string? FindSecret(string text, string form)
    {
        for (int i = 0; i + 8 <= Secret.Length; i++)
        {
            if (text.Contains(Secret.Substring(i, 8), StringComparison.Ordinal))
            {
                return Secret.Substring(i, 8);
            }
        }

        return form == "PasswordAsPort" && text.Contains(":" + DigitPassword, StringComparison.Ordinal) ? ":" + DigitPassword : null;
    }

    /// <summary>The command's own parameters: the simulator's credentials and what the command needs besides.</summary>
    private Dictionary<string, object?> ParametersFor(string command)
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters["TimeoutSec"] = 2;
        if (command != "Invoke-WxPayscoreTerminate")
        {
            parameters.Remove("Confirm");
        }

        if (IsBulk(command))
        {
            parameters["AppId"] = AppId;
            parameters["MaxRetries"] = 0;
        }

        if (command == "Invoke-WxPayscoreTerminate")
        {
            parameters["Reason"] = "服务调整";
            parameters["JournalPath"] = Path.Combine(Dir, "journal.jsonl");
        }

        if (command is "Get-WxPayscorePlatformCertificate" or "ConvertFrom-WxPayscoreNotification")
        {
            parameters["ApiV3Key"] = SecureText.FromPlainText(Sim.Keys.ApiV3Key);
        }

        if (command == "Get-WxPayscorePlatformCertificate")
        {
            parameters["OutputDirectory"] = Dir;
        }

        if (command == "ConvertFrom-WxPayscoreNotification")
        {
            parameters["LiteralPath"] = Path.Combine(Dir, "no-such-notification.http");
        }

        return parameters;
    }
}
