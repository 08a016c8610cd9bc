using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Credentials through the cmdlets: the session connection, environment variables, their precedence, the
/// migration between WeChat Pay's two signing keys, proxies, unattended confirmation and secrets.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class ConnectionTests : ScratchTest
{
    private const string DeadBaseUri = "http://127.0.0.1:9/";

    private readonly HostedSession _session = new();

    public ConnectionTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-connection-")
    {
    }

    public override void Dispose()
    {
        _session.Dispose();
        base.Dispose();
    }

    private static PSObject[] Rows(params string[] openIds) => openIds.Select(o => HostedRun.Row(o, "500001", AppId, "服务调整")).ToArray();

    private static Dictionary<string, object?> Confirmed() => new() { ["Confirm"] = false };

    private Dictionary<string, object?> KeysOnly() => new()
    {
        ["MerchantId"] = Sim.Keys.MerchantId,
        ["PrivateKey"] = SecureText.FromPlainText(Sim.Keys.MerchantPrivateKeyPem),
        ["MerchantCertificatePath"] = Sim.Keys.MerchantCertificatePath,
        ["WechatpayPublicKeyId"] = Sim.Keys.PublicKeyId,
        ["WechatpayPublicKeyPath"] = Sim.Keys.PublicKeyPath,
        ["BaseUri"] = Sim.BaseUri,
    };

    private void SetEnvironmentFromSimulator(string? baseUri = null)
    {
        Environment.SetEnvironmentVariable("WXPAY_MCHID", Sim.Keys.MerchantId);
        Environment.SetEnvironmentVariable("WXPAY_MERCHANT_SERIAL", Sim.Keys.MerchantSerialNumber);
        Environment.SetEnvironmentVariable("WXPAY_PRIVATE_KEY", Sim.Keys.MerchantPrivateKeyPem);
        Environment.SetEnvironmentVariable("WXPAY_PUBLIC_KEY_ID", Sim.Keys.PublicKeyId);
        Environment.SetEnvironmentVariable("WXPAY_PUBLIC_KEY_PATH", Sim.Keys.PublicKeyPath);
        Environment.SetEnvironmentVariable("WXPAY_BASE_URI", baseUri ?? Sim.BaseUri.ToString());
    }

    private static void AssertAllSucceeded(HostedRun run, int rows)
    {
        Assert.Empty(run.Errors);
        Assert.Equal(rows, run.Results.Count);
        Assert.All(run.Results, r => Assert.True(r.Success, $"{r.Code}: {r.Message}"));
    }

    [Fact]
    public void After_connect_the_cmdlet_needs_no_credential_parameters()
    {
        HostedRun connect = _session.Run("Connect-WxPayscore", KeysOnly());
        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oConn1", "oConn2"));

        Assert.Empty(connect.Errors);
        AssertAllSucceeded(run, 2);
        Assert.Equal(2, Sim.Terminates.Count);
    }

    [Fact]
    public void Get_connection_shows_merchant_serial_key_ids_and_base_uri()
    {
        _session.Run("Connect-WxPayscore", KeysOnly());

        var connection = (PayscoreConnection)Assert.Single(_session.Run("Get-WxPayscoreConnection").Output).BaseObject;

        Assert.Equal(Sim.Keys.MerchantId, connection.MerchantId);
        Assert.Equal(Sim.Keys.MerchantSerialNumber, connection.MerchantSerialNumber);
        Assert.Equal(Sim.Keys.PublicKeyId, connection.WechatpayPublicKeyId);
        Assert.Equal(Sim.BaseUri, connection.BaseUri);
        Assert.Equal("PEM text (-PrivateKey)", connection.PrivateKey);
        Assert.NotNull(connection.CertificateNotAfter);
    }

    [Theory]
    [InlineData("key file, serial and certificate")]
    [InlineData("key text, serial and certificate")]
    [InlineData("key file and certificate")]
    [InlineData("PKCS#12")]
    public void The_certificate_expiry_is_shown_whenever_a_certificate_is_given(string how)
    {
        var parameters = KeysOnly();
        switch (how)
        {
            case "key file, serial and certificate":
                parameters.Remove("PrivateKey");
                parameters["PrivateKeyPath"] = Sim.Keys.MerchantPrivateKeyPath;
                parameters["MerchantSerialNumber"] = Sim.Keys.MerchantSerialNumber;
                break;
            case "key text, serial and certificate":
                parameters["MerchantSerialNumber"] = Sim.Keys.MerchantSerialNumber;
                break;
            case "key file and certificate":
                parameters.Remove("PrivateKey");
                parameters["PrivateKeyPath"] = Sim.Keys.MerchantPrivateKeyPath;
                break;
            default:
                parameters.Remove("PrivateKey");
                parameters.Remove("MerchantCertificatePath");
                parameters["CertificatePath"] = Sim.Keys.MerchantPkcs12Path;
                break;
        }

        Assert.Empty(_session.Run("Connect-WxPayscore", parameters).Errors);
        var connection = (PayscoreConnection)Assert.Single(_session.Run("Get-WxPayscoreConnection").Output).BaseObject;

        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Sim.Keys.MerchantCertificatePath));
        Assert.Equal(certificate.NotAfter, connection.CertificateNotAfter);
        Assert.Equal(certificate.Subject, connection.CertificateSubject);
    }

    /// <summary>The code of the help example of Get-WxPayscoreConnection that reads CertificateNotAfter.</summary>
    private string ExpiryExample() =>
        Assert.Single(_session.Objects(
            "(Import-PowerShellDataFile $args[0])['Get-WxPayscoreConnection'] | Where-Object { $_.Code -match 'CertificateNotAfter' } | ForEach-Object Code",
            RepositoryFiles.PathOf("src/WeChatPay.Payscore/en-US/WeChatPay.Payscore.Examples.psd1"))).ToString();

    [Fact]
    public void The_help_example_on_the_expiry_says_it_is_unknown_when_no_certificate_was_given()
    {
        var parameters = KeysOnly();
        parameters.Remove("MerchantCertificatePath");
        parameters["MerchantSerialNumber"] = Sim.Keys.MerchantSerialNumber;
        Assert.Empty(_session.Run("Connect-WxPayscore", parameters).Errors);

        string said = string.Join("\n", _session.Objects(ExpiryExample()).Select(o => o?.ToString()));

        Assert.Contains("unknown", said);
        Assert.DoesNotContain("True", said);
    }

    [Fact]
    public void The_help_example_on_the_expiry_is_quiet_for_a_certificate_valid_for_long()
    {
        Assert.Empty(_session.Run("Connect-WxPayscore", KeysOnly()).Errors);

        Assert.DoesNotContain(_session.Objects(ExpiryExample()), o => o != null && !Equals(o.BaseObject, false));
    }

    [Fact]
    public void Connect_checks_everything_and_keeps_no_connection_when_something_is_wrong()
    {
        var parameters = KeysOnly();
        parameters["MerchantCertificatePath"] = Sim.Keys.PlatformCertificatePath; // another key's certificate

        HostedRun connect = _session.Run("Connect-WxPayscore", parameters);

        Assert.Equal("PrivateKeyCertificateMismatch,WeChatPay.Payscore.Commands.ConnectWxPayscoreCommand", Assert.Single(connect.Errors).FullyQualifiedErrorId);
        Assert.Empty(_session.Run("Get-WxPayscoreConnection").Output);
    }

    [Fact]
    public void Disconnect_forgets_the_connection_and_the_next_run_stops_before_sending()
    {
        _session.Run("Connect-WxPayscore", KeysOnly());
        _session.Run("Disconnect-WxPayscore");

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oGone"));

        Assert.Empty(_session.Run("Get-WxPayscoreConnection").Output);
        Assert.Equal("MerchantIdMissing,WeChatPay.Payscore.Commands.InvokeWxPayscoreTerminateCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, Sim.RequestCount);
    }

    [Fact]
    public void A_pkcs12_file_with_the_merchant_id_as_password_is_all_a_merchant_needs_besides_the_wechat_pay_key()
    {
        var parameters = new Dictionary<string, object?>
        {
            ["MerchantId"] = Sim.Keys.MerchantId,
            ["CertificatePath"] = Sim.Keys.MerchantPkcs12Path,
            ["WechatpayPublicKeyId"] = Sim.Keys.PublicKeyId,
            ["WechatpayPublicKeyPath"] = Sim.Keys.PublicKeyPath,
            ["BaseUri"] = Sim.BaseUri,
            ["PassThru"] = true,
        };

        var connection = (PayscoreConnection)Assert.Single(_session.Run("Connect-WxPayscore", parameters).Output).BaseObject;
        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oP12"));

        Assert.Equal(Sim.Keys.MerchantSerialNumber, connection.MerchantSerialNumber);
        AssertAllSucceeded(run, 1);
    }

    #region Precedence: parameter > connection > environment

    [Fact]
    public void A_parameter_overrides_the_connection()
    {
        var connect = KeysOnly();
        connect["BaseUri"] = DeadBaseUri;
        _session.Run("Connect-WxPayscore", connect);
        var parameters = Confirmed();
        parameters["BaseUri"] = Sim.BaseUri;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oParam"));

        AssertAllSucceeded(run, 1);
    }

    [Fact]
    public void The_connection_overrides_the_environment()
    {
        SetEnvironmentFromSimulator(baseUri: DeadBaseUri);
        Environment.SetEnvironmentVariable("WXPAY_MCHID", "1234567890"); // another merchant: would fail with SIGN_ERROR
        _session.Run("Connect-WxPayscore", KeysOnly());

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oConnWins"));

        AssertAllSucceeded(run, 1);
    }

    [Fact]
    public void Environment_variables_alone_are_enough()
    {
        SetEnvironmentFromSimulator();

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oEnv1", "oEnv2"));

        AssertAllSucceeded(run, 2);
        Assert.Equal(["oEnv1", "oEnv2"], Sim.Terminates.Select(t => t.OpenId!).Order().ToArray());
    }

    [Fact]
    public void The_environment_fills_only_what_the_parameters_leave_out()
    {
        SetEnvironmentFromSimulator(baseUri: DeadBaseUri);
        var parameters = Confirmed();
        parameters["BaseUri"] = Sim.BaseUri;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oMixed"));

        AssertAllSucceeded(run, 1);
    }

    [Fact]
    public void A_bad_environment_variable_is_named_in_the_error()
    {
        SetEnvironmentFromSimulator();
        Environment.SetEnvironmentVariable("WXPAY_MCHID", "19000-09191");

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Confirmed(), Rows("oBadEnv"));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.MerchantIdInvalid + ",", error.FullyQualifiedErrorId);
        Assert.Contains("WXPAY_MCHID", error.Exception.Message);
        Assert.Equal(0, Sim.RequestCount);
    }

    #endregion

    [Fact]
    public async Task During_a_migration_answers_signed_by_the_platform_certificate_and_by_the_public_key_both_verify()
    {
        await using WechatpaySimulator migrating = await WechatpaySimulator.StartAsync(new SimulatorOptions { ResponseSigning = ResponseSigningMode.Alternate });
        var parameters = HostedRun.Credentials(migrating);
        parameters["PlatformCertificatePath"] = new[] { migrating.Keys.PlatformCertificatePath };
        var publicKeyOnly = HostedRun.Credentials(migrating);

        HostedRun both = HostedRun.Invoke(Rows("oMig1", "oMig2", "oMig3", "oMig4"), parameters);
        long byPublicKey = migrating.AnswersSignedByPublicKey, byCertificate = migrating.AnswersSignedByPlatformCertificate;
        HostedRun withoutCertificate = HostedRun.Invoke(Rows("oMig5", "oMig6"), publicKeyOnly);

        AssertAllSucceeded(both, 4);
        Assert.Equal((2L, 2L), (byPublicKey, byCertificate));

        // The control: without the platform certificate, the answer it signed cannot be trusted.
        // The control: without the platform certificate, the answer it signed is not trusted; only the query
        // (answered with the public key) settles that row.
        Assert.Equal(
            new[] { ResultCodes.Ok, ResultCodes.SettledByQuery },
            withoutCertificate.Results.Select(r => r.Code).Order());
    }

    [Fact]
    public async Task Requests_go_through_the_proxy_given()
    {
        await using var proxy = new ForwardingProxy();
        // Nothing listens on the base URI; only a proxy that forwards to the simulator can make the row succeed.
        var parameters = HostedRun.Credentials(Sim);
        parameters["Proxy"] = proxy.Uri;

        HostedRun run = HostedRun.Invoke(Rows("oProxy"), parameters);

        AssertAllSucceeded(run, 1);
        Assert.Equal(1, proxy.Forwarded);
    }

    [Theory]
    [MemberData(nameof(TestLanguage.Each), MemberType = typeof(TestLanguage))]
    public async Task A_proxy_that_demands_credentials_gets_the_proxy_credential(string culture)
    {
        using var language = TestLanguage.Use(culture);
        var credential = new System.Net.NetworkCredential("corp-svc", "proxy-Secret-42");
        await using var proxy = new ForwardingProxy(required: credential);
        var parameters = HostedRun.Credentials(Sim);
        parameters["Proxy"] = proxy.Uri;
        parameters["ProxyCredential"] = new PSCredential(credential.UserName, SecureText.FromPlainText(credential.Password));
        var withoutCredential = HostedRun.Credentials(Sim);
        withoutCredential["Proxy"] = proxy.Uri;

        HostedRun run = HostedRun.Invoke(Rows("oProxyAuth"), parameters);
        HostedRun refused = HostedRun.Invoke(Rows("oProxyNoAuth"), withoutCredential);

        AssertAllSucceeded(run, 1);
        Assert.Equal(1, proxy.Forwarded);
        Assert.False(Assert.Single(refused.Results).Success);
        Assert.DoesNotContain("proxy-Secret-42", string.Join("\n", Everything(run).Concat(Everything(refused))));
    }

    [Fact]
    public void A_host_that_cannot_ask_for_confirmation_stops_before_sending_anything()
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters.Remove("Confirm");

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oAsk1", "oAsk2"));

        Assert.Empty(run.Output);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.ConfirmationNotPossible + ",", error.FullyQualifiedErrorId);
        Assert.Contains("-Confirm:$false", error.Exception.Message);
        Assert.Equal(0, Sim.RequestCount);
    }

    [Theory]
    [MemberData(nameof(TestLanguage.Each), MemberType = typeof(TestLanguage))]
    public void No_stream_result_or_connection_view_holds_the_key_the_pkcs12_password_or_a_request_signature(string culture)
    {
        const string Password = "p12-Pa55word-that-must-not-leak";
        string p12 = Path.Combine(Dir, "apiclient_cert.p12");
        using (RSA key = RSA.Create())
        {
            key.ImportFromPem(Sim.Keys.MerchantPrivateKeyPem);
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Sim.Keys.MerchantCertificatePath));
            using X509Certificate2 withKey = certificate.CopyWithPrivateKey(key);
            File.WriteAllBytes(p12, withKey.Export(X509ContentType.Pkcs12, Password));
        }

        Sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oLeak2", Count = 1 });
        Sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oLeak3", Count = 1 });
        var loud = new Dictionary<string, object?> { ["Verbose"] = true, ["Debug"] = true };
        var connect = new Dictionary<string, object?>(loud)
        {
            ["MerchantId"] = Sim.Keys.MerchantId,
            ["CertificatePath"] = p12,
            ["CertificatePassword"] = SecureText.FromPlainText(Password),
            ["WechatpayPublicKeyId"] = Sim.Keys.PublicKeyId,
            ["WechatpayPublicKeyPath"] = Sim.Keys.PublicKeyPath,
            ["BaseUri"] = Sim.BaseUri,
            ["PassThru"] = true,
        };
        var wrongPassword = new Dictionary<string, object?>(connect) { ["CertificatePassword"] = SecureText.FromPlainText(Password + "-wrong") };
        var invoke = new Dictionary<string, object?>(loud) { ["Confirm"] = false };
        var wrongSerial = new Dictionary<string, object?>(invoke) { ["MerchantSerialNumber"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", ["CertificatePath"] = p12, ["CertificatePassword"] = connect["CertificatePassword"] };

        using var language = TestLanguage.Use(culture);
        using var session = new HostedSession();
        var runs = new List<HostedRun>
        {
            session.Run("Connect-WxPayscore", wrongPassword),
            session.Run("Connect-WxPayscore", connect),
            session.Run("Invoke-WxPayscoreTerminate", invoke, Rows("oLeak1", "oLeak2", "oLeak3", "bad/row")),
            session.Run("Invoke-WxPayscoreTerminate", wrongSerial, Rows("oLeak4")),
            session.Run("Get-WxPayscoreConnection", loud),
        };

        Assert.Equal(5, Sim.ReceivedSignatures.Count); // oLeak2's 500 is retried; oLeak3's tampered answer is settled by a query
        Assert.Equal([ResultCodes.Ok, ResultCodes.Ok, ResultCodes.SettledByQuery, ResultCodes.InvalidInput], runs[2].Results.Select(r => r.Code));
        Assert.NotNull(Assert.Single(runs[4].Output).BaseObject as PayscoreConnection);
        Assert.Contains(runs[0].Errors, e => e.FullyQualifiedErrorId.StartsWith(ErrorIds.CertificatePasswordInvalid + ",", StringComparison.Ordinal));
        Assert.Contains(runs[3].Errors, e => e.FullyQualifiedErrorId.StartsWith(ErrorIds.MerchantSerialNumberMismatch + ",", StringComparison.Ordinal));

        string everything = string.Join("\n", runs.SelectMany(Everything));
        var secrets = new List<string> { Password };
        secrets.AddRange(Sim.Keys.MerchantPrivateKeyPem.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 16 && !l.StartsWith("-----", StringComparison.Ordinal)));
        secrets.AddRange(Sim.ReceivedSignatures);
        Assert.True(secrets.Count > 20);
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(secret, everything);
        }
    }

    /// <summary>Every stream of a run, every error with its exception chain, every property of every output object.</summary>
    private static IEnumerable<string> Everything(HostedRun run)
    {
        foreach (string line in run.Verbose.Concat(run.Debug).Concat(run.Warnings).Concat(run.Information))
        {
            yield return line;
        }

        foreach (ErrorRecord error in run.Errors)
        {
            yield return $"{error} {error.ErrorDetails?.Message} {error.ErrorDetails?.RecommendedAction} {error.Exception} {error.TargetObject}";
        }

        foreach (PSObject output in run.Output)
        {
            foreach (PSPropertyInfo property in output.Properties)
            {
                object? value = property.Value;
                yield return value is System.Collections.IEnumerable list && value is not string
                    ? string.Join(",", list.Cast<object>())
                    : $"{property.Name}={value}";
            }
        }
    }
}
