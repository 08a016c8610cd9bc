using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Wildcards in the path parameters, as PowerShell's own cmdlets take them: -PlatformCertificatePath expands a
/// pattern to every file it matches, the single-file parameters take a pattern that matches exactly one, a pattern
/// that matches nothing is an error naming it, and a file whose name holds [ or ] is found by that name.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class PathWildcardTests : ScratchTest
{
    private readonly HostedSession _session = new();

    public PathWildcardTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-wildcard-")
    {
    }

    public override void Dispose()
    {
        _session.Dispose();
        base.Dispose();
    }

    /// <summary>The simulator's merchant with its PEM key file, verifying with platform certificates, for Connect-WxPayscore.</summary>
    private Dictionary<string, object?> Merchant() => new()
    {
        ["MerchantId"] = Sim.Keys.MerchantId,
        ["MerchantSerialNumber"] = Sim.Keys.MerchantSerialNumber,
        ["PrivateKeyPath"] = Sim.Keys.MerchantPrivateKeyPath,
        ["PlatformCertificatePath"] = new[] { Sim.Keys.PlatformCertificatePath },
        ["BaseUri"] = Sim.BaseUri,
        ["PassThru"] = true,
    };

    private string Copy(string source, string name)
    {
        string path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path);
        return path;
    }

    /// <summary>A platform certificate of a key WeChat Pay never used, saved as <paramref name="name"/>; its serial.</summary>
    private string OtherCertificate(string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=another platform certificate", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(Path.Combine(Dir, name), certificate.ExportCertificatePem());
        return certificate.SerialNumber;
    }

    private static PayscoreConnection Connection(HostedRun run)
    {
        Assert.Empty(run.Errors);
        return (PayscoreConnection)Assert.Single(run.Output).BaseObject;
    }

    [Fact]
    public void A_pattern_in_PlatformCertificatePath_gives_every_file_it_matches_and_no_folder()
    {
        Copy(Sim.Keys.PlatformCertificatePath, $"certs/wechatpay_{Sim.Keys.PlatformSerialNumber}.pem");
        string other = OtherCertificate("certs/wechatpay_other.pem");
        Directory.CreateDirectory(Path.Combine(Dir, "certs", "wechatpay_folder.pem"));
        var parameters = Merchant();
        parameters["PlatformCertificatePath"] = new[] { Path.Combine(Dir, "certs", "wechatpay_*.pem") };

        PayscoreConnection connection = Connection(_session.Run("Connect-WxPayscore", parameters));

        Assert.Equal(new[] { Sim.Keys.PlatformSerialNumber, other }.OrderBy(s => s), connection.PlatformCertificateSerialNumbers.OrderBy(s => s));
    }

    [Fact]
    public void The_documented_relative_pattern_verifies_a_run()
    {
        Copy(Sim.Keys.PlatformCertificatePath, $"certs/wechatpay_{Sim.Keys.PlatformSerialNumber}.pem");
        _session.Script("Set-Location -LiteralPath $args[0]", Dir);
        var parameters = HostedRun.Credentials(Sim);
        parameters.Remove("WechatpayPublicKeyId");
        parameters.Remove("WechatpayPublicKeyPath");
        parameters["PlatformCertificatePath"] = new[] { "./certs/wechatpay_*.pem" };
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("oWildcard1", "500001")]);

        Assert.Empty(run.Errors);
        Assert.Equal(ResultCodes.Ok, Assert.Single(run.Results).Code);
        Assert.Equal(1, Sim.AnswersSignedByPlatformCertificate);
    }

    public static TheoryData<string, string> Settings() => new()
    {
        { "PlatformCertificatePath", ErrorIds.PlatformCertificateInvalid },
        { "PrivateKeyPath", ErrorIds.PrivateKeyNotFound },
        { "CertificatePath", ErrorIds.CertificateNotFound },
        { "MerchantCertificatePath", ErrorIds.MerchantCertificateNotFound },
        { "WechatpayPublicKeyPath", ErrorIds.WechatpayPublicKeyInvalid },
    };

    /// <summary>The merchant's parameters with <paramref name="parameter"/> set to <paramref name="value"/> (and what it needs beside it).</summary>
    private Dictionary<string, object?> With(string parameter, string value)
    {
        var parameters = Merchant();
        switch (parameter)
        {
            case "PlatformCertificatePath":
                parameters[parameter] = new[] { value };
                break;
            case "CertificatePath":
                parameters.Remove("PrivateKeyPath");
                parameters.Remove("MerchantSerialNumber");
                parameters[parameter] = value;
                break;
            case "WechatpayPublicKeyPath":
                parameters["WechatpayPublicKeyId"] = Sim.Keys.PublicKeyId;
                parameters[parameter] = value;
                break;
            default:
                parameters[parameter] = value;
                break;
        }

        return parameters;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_pattern_that_matches_no_file_is_an_error_that_names_it(string parameter, string errorId)
    {
        string pattern = Path.Combine(Dir, "nothing-like-this-*.pem");

        HostedRun run = _session.Run("Connect-WxPayscore", With(parameter, pattern));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        Assert.Contains($"'{UserText.ExcerptPath(pattern)}'", error.Exception.Message);
        Assert.Contains("-" + parameter, error.Exception.Message);
        Assert.Contains("matches no file", error.Exception.Message);
        Assert.Empty(run.Output);
    }

    public static TheoryData<string, string> SingleFileSettings() => new()
    {
        { "PrivateKeyPath", ErrorIds.PrivateKeyNotFound },
        { "CertificatePath", ErrorIds.CertificateNotFound },
        { "MerchantCertificatePath", ErrorIds.MerchantCertificateNotFound },
        { "WechatpayPublicKeyPath", ErrorIds.WechatpayPublicKeyInvalid },
    };

    /// <summary>The simulator's file that <paramref name="parameter"/> takes.</summary>
    private string FileOf(string parameter) => parameter switch
    {
        "PrivateKeyPath" => Sim.Keys.MerchantPrivateKeyPath,
        "CertificatePath" => Sim.Keys.MerchantPkcs12Path,
        "MerchantCertificatePath" => Sim.Keys.MerchantCertificatePath,
        "WechatpayPublicKeyPath" => Sim.Keys.PublicKeyPath,
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };

    [Theory]
    [InlineData("PrivateKeyPath")]
    [InlineData("CertificatePath")]
    [InlineData("MerchantCertificatePath")]
    [InlineData("WechatpayPublicKeyPath")]
    public void A_single_file_parameter_takes_a_pattern_that_matches_exactly_one_file(string parameter)
    {
        string file = Copy(FileOf(parameter), "keys/merchant-file.bin");

        HostedRun run = _session.Run("Connect-WxPayscore", With(parameter, Path.Combine(Dir, "keys", "merchant-*.bin")));

        PayscoreConnection connection = Connection(run);
        if (parameter is "PrivateKeyPath" or "CertificatePath")
        {
            Assert.Contains(UserText.ExcerptPath(file), connection.PrivateKey);
        }
    }

    [Theory]
    [MemberData(nameof(SingleFileSettings))]
    public void A_single_file_parameter_refuses_a_pattern_that_matches_several_files_and_says_how_many(string parameter, string errorId)
    {
        Copy(FileOf(parameter), "keys/merchant-1.bin");
        Copy(FileOf(parameter), "keys/merchant-2.bin");
        Copy(FileOf(parameter), "keys/merchant-3.bin");
        string pattern = Path.Combine(Dir, "keys", "merchant-?.bin");

        HostedRun run = _session.Run("Connect-WxPayscore", With(parameter, pattern));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        Assert.Contains($"'{UserText.ExcerptPath(pattern)}'", error.Exception.Message);
        Assert.Contains("-" + parameter, error.Exception.Message);
        Assert.Contains("matches 3 files", error.Exception.Message);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void A_file_whose_name_holds_brackets_is_taken_by_that_name_before_any_file_the_pattern_would_match()
    {
        string literal = Copy(Sim.Keys.MerchantPrivateKeyPath, "key[1].pem");
        File.WriteAllText(Path.Combine(Dir, "key1.pem"), "not a key: the name [1] matches as a pattern");
        var parameters = Merchant();
        parameters["PrivateKeyPath"] = literal;

        PayscoreConnection connection = Connection(_session.Run("Connect-WxPayscore", parameters));

        Assert.Contains("key[1].pem", connection.PrivateKey);
    }

    [Fact]
    public void A_journal_whose_name_holds_brackets_is_created_by_that_name()
    {
        string journal = Path.Combine(Dir, "run[1].jsonl");
        var parameters = HostedRun.Credentials(Sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["JournalPath"] = journal;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("oBracketJournal", "500001")]);

        Assert.Empty(run.Errors);
        Assert.Equal(ResultCodes.Ok, Assert.Single(run.Results).Code);
        Assert.True(File.Exists(journal));
        Assert.Equal(["run[1].jsonl"], Directory.EnumerateFileSystemEntries(Dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Key_text_with_pattern_characters_given_as_a_path_is_caught_before_any_pattern_is_matched()
    {
        // PEM text never matches a file; were it matched as a pattern first, PowerShell's own error would quote it whole.
        string pem = Sim.Keys.MerchantPrivateKeyPem.Replace("-----END", "[x]*?-----END");
        var parameters = Merchant();
        parameters["PrivateKeyPath"] = pem;

        HostedRun run = _session.Run("Connect-WxPayscore", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.KeyMaterialGivenAsPath + ",", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("MII", error.ToString());
    }
}
