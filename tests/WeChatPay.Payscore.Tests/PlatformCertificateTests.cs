using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Merchants on platform certificates, against the simulator: Get-WxPayscorePlatformCertificate (download, checks,
/// first-use trust, saving) and runs that download and follow the certificates with the APIv3 key.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class PlatformCertificateTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;
    private readonly HostedSession _session = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wxpay-certs-" + Guid.NewGuid().ToString("n"));

    public PlatformCertificateTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose()
    {
        _session.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The kinds of WeChat Pay key a test configures besides the APIv3 key.</summary>
    public enum Trusted
    {
        Nothing,
        PublicKey,
        PlatformCertificate,
    }

    private Dictionary<string, object?> Parameters(Trusted trusted, string? apiV3Key = null)
    {
        Dictionary<string, object?> parameters = HostedRun.Credentials(_sim, trusted == Trusted.PlatformCertificate);
        parameters.Remove("Confirm");
        if (trusted == Trusted.Nothing)
        {
            parameters.Remove("WechatpayPublicKeyId");
            parameters.Remove("WechatpayPublicKeyPath");
        }

        parameters["ApiV3Key"] = SecureText.FromPlainText(apiV3Key ?? _sim.Keys.ApiV3Key);
        return parameters;
    }

    private Dictionary<string, object?> Terminate(Dictionary<string, object?> parameters)
    {
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["Confirm"] = false;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    private static IReadOnlyList<PlatformCertificate> Certificates(HostedRun run) =>
        run.Output.Select(o => (PlatformCertificate)o.BaseObject).ToList();

    private static string FingerprintOf(string pemPath)
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(pemPath));
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    private static List<PSObject> Rows(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => HostedRun.Row($"{prefix}{i}", "500001")).ToList();

    [Fact]
    public void Saved_certificates_verify_a_run_given_them_with_PlatformCertificatePath()
    {
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;

        HostedRun download = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(download.Errors);
        Assert.Empty(download.Warnings);
        PlatformCertificate certificate = Assert.Single(Certificates(download));
        Assert.Equal(_sim.Keys.PlatformSerialNumber, certificate.SerialNumber);
        Assert.Equal(FingerprintOf(_sim.Keys.PlatformCertificatePath), certificate.Fingerprint);
        Assert.Equal(Path.Combine(_directory, $"wechatpay_{certificate.SerialNumber}.pem"), certificate.Path);
        Assert.True(certificate.EffectiveTime < DateTimeOffset.UtcNow && certificate.ExpireTime > DateTimeOffset.UtcNow.AddYears(4));
        Assert.Equal(1, _sim.CertificateRequests);

        var run = HostedRun.Credentials(_sim);
        run.Remove("WechatpayPublicKeyId");
        run.Remove("WechatpayPublicKeyPath");
        run["PlatformCertificatePath"] = new[] { certificate.Path };
        HostedRun terminate = _session.Run("Invoke-WxPayscoreTerminate", Terminate(run), Rows("oSavedCert", 3));

        Assert.Empty(terminate.Errors);
        Assert.All(terminate.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.Equal(3, _sim.AnswersSignedByPlatformCertificate);
    }

    [Fact]
    public void A_first_download_with_nothing_trusted_is_announced_with_the_fingerprint()
    {
        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", Parameters(Trusted.Nothing));

        Assert.Empty(run.Errors);
        PlatformCertificate certificate = Assert.Single(Certificates(run));
        Assert.Null(certificate.Path);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains(FingerprintOf(_sim.Keys.PlatformCertificatePath), warning);
        Assert.Contains(_sim.Keys.PlatformSerialNumber, warning);
        Assert.Contains("trusted on first use", warning);
    }

    [Fact]
    public void A_merchant_with_the_public_key_downloads_a_list_signed_with_a_platform_certificate_and_is_told_which_vouched()
    {
        _sim.CertificateListSignedByPlatformCertificate = true;
        var parameters = Parameters(Trusted.PublicKey);
        parameters["Verbose"] = true;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(run.Errors);
        PlatformCertificate certificate = Assert.Single(Certificates(run));
        Assert.Equal(_sim.Keys.PlatformSerialNumber, certificate.SerialNumber);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains(_sim.Keys.PublicKeyId, warning); // what it was not signed with
        Assert.Contains(_sim.Keys.PlatformSerialNumber, warning);
        Assert.Contains(FingerprintOf(_sim.Keys.PlatformCertificatePath), warning);
        Assert.Contains("APIv3 key", warning);
        Assert.Contains("trusted on first use", warning);
        Assert.Contains(run.Verbose, v => v.Contains($"verified with platform certificate {_sim.Keys.PlatformSerialNumber}, which the list itself holds"));
    }

    [Fact]
    public void A_list_signed_with_the_configured_public_key_is_vouched_for_by_it_without_a_warning()
    {
        var parameters = Parameters(Trusted.PublicKey);
        parameters["Verbose"] = true;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(run.Errors);
        Assert.Empty(run.Warnings);
        Assert.Contains(run.Verbose, v => v.Contains($"verified with the WeChat Pay public key {_sim.Keys.PublicKeyId}"));
    }

    [Fact]
    public void A_list_signed_with_a_platform_certificate_still_needs_every_certificate_to_decrypt_under_the_APIv3_key()
    {
        _sim.CertificateListSignedByPlatformCertificate = true;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", Parameters(Trusted.PublicKey, apiV3Key: new string('k', 32)));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.PlatformCertificateDecryptionFailed, error.FullyQualifiedErrorId);
        Assert.Empty(run.Output);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void The_APIv3_key_appears_in_no_stream_output_or_file()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            using var session = new HostedSession();
            var parameters = Parameters(Trusted.Nothing);
            parameters["OutputDirectory"] = _directory;
            parameters["Verbose"] = true;
            parameters["Debug"] = true;

            HostedRun run = session.Run("Get-WxPayscorePlatformCertificate", parameters);

            Assert.Empty(run.Errors);
            Assert.NotEmpty(run.Verbose);
            string everything = string.Join("\n", run.Verbose.Concat(run.Debug).Concat(run.Warnings)
                .Concat(run.Output.Select(o => string.Join(";", o.Properties.Select(p => $"{p.Name}={p.Value}"))))
                .Concat(Directory.EnumerateFiles(_directory).Select(File.ReadAllText)));
            Assert.DoesNotContain(_sim.Keys.ApiV3Key, everything);
        }
    }

    [Fact]
    public void A_refresh_is_verified_with_the_platform_certificate_already_trusted()
    {
        string rotated = _sim.AddPlatformCertificate();
        _sim.SignWithNewestPlatformCertificate();

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", Parameters(Trusted.PlatformCertificate));

        Assert.Empty(run.Errors);
        Assert.Empty(run.Warnings);
        Assert.Equal([rotated, _sim.Keys.PlatformSerialNumber], Certificates(run).Select(c => c.SerialNumber));
    }

    [Fact]
    public void A_list_signed_by_no_trusted_key_is_taken_only_as_first_use_with_a_warning_naming_the_key_it_lacks()
    {
        // A trusted certificate WeChat Pay never signs with: the list verifies with none of the keys given.
        string stranger = Path.Combine(_directory, "stranger.pem");
        Directory.CreateDirectory(_directory);
        using (RSA key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=stranger", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllText(stranger, certificate.ExportCertificatePem());
        }

        var parameters = Parameters(Trusted.Nothing);
        parameters["PlatformCertificatePath"] = new[] { stranger };

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        // Every listed certificate decrypted under the APIv3 key, and the list verifies with one of them: taken, never silently.
        Assert.Empty(run.Errors);
        Assert.Equal(_sim.Keys.PlatformSerialNumber, Assert.Single(Certificates(run)).SerialNumber);
        string warning = Assert.Single(run.Warnings);
        Assert.Contains("is not signed with platform certificate", warning);
        Assert.Contains("trusted on first use", warning);
    }

    [Theory]
    [InlineData(Trusted.PublicKey, "tampered", ErrorIds.PlatformCertificateUnverified)]
    [InlineData(Trusted.Nothing, "tampered", ErrorIds.PlatformCertificateDecryptionFailed)]
    [InlineData(Trusted.PublicKey, "wrong APIv3 key", ErrorIds.PlatformCertificateDecryptionFailed)]
    [InlineData(Trusted.Nothing, "wrong APIv3 key", ErrorIds.PlatformCertificateDecryptionFailed)]
    [InlineData(Trusted.PublicKey, "bad signature", ErrorIds.PlatformCertificateUnverified)]
    [InlineData(Trusted.Nothing, "bad signature", ErrorIds.PlatformCertificateUnverified)]
    [InlineData(Trusted.PublicKey, "serial mismatch", ErrorIds.PlatformCertificateSerialMismatch)]
    [InlineData(Trusted.PublicKey, "signed by a listed certificate, tampered", ErrorIds.PlatformCertificateDecryptionFailed)]
    [InlineData(Trusted.PublicKey, "signed by a listed certificate, bad signature", ErrorIds.PlatformCertificateUnverified)]
    public void A_bad_answer_or_key_stops_with_its_error_and_writes_nothing(Trusted trusted, string what, string errorId)
    {
        string? apiV3Key = null;
        if (what.StartsWith("signed by a listed certificate, ", StringComparison.Ordinal))
        {
            _sim.CertificateListSignedByPlatformCertificate = true;
            what = what["signed by a listed certificate, ".Length..];
        }

        switch (what)
        {
            case "tampered":
                _sim.AddFault(new FaultRule { Kind = FaultKind.TamperedBody, Target = FaultTarget.Certificates });
                break;
            case "wrong APIv3 key":
                apiV3Key = "WrongApiV3Key0123456789abcdefghi";
                break;
            case "bad signature":
                _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, Target = FaultTarget.Certificates });
                break;
            case "serial mismatch":
                _sim.AddFault(new FaultRule { Kind = FaultKind.WrongCertificateSerial, Target = FaultTarget.Certificates });
                break;
        }

        var parameters = Parameters(trusted, apiV3Key);
        parameters["OutputDirectory"] = _directory;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(errorId, error.FullyQualifiedErrorId);
        Assert.Empty(run.Output);
        Assert.Empty(run.Warnings);
        Assert.False(Directory.Exists(_directory) && Directory.EnumerateFileSystemEntries(_directory).Any(), "a file was written");
        Assert.Equal(1, _sim.CertificateRequests);
    }

    [Fact]
    public void An_existing_file_is_kept_without_Force_and_replaced_with_it()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, $"wechatpay_{_sim.Keys.PlatformSerialNumber}.pem");
        File.WriteAllText(path, "old");
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;

        HostedRun kept = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.StartsWith(ErrorIds.PlatformCertificateFileExists, Assert.Single(kept.Errors).FullyQualifiedErrorId);
        Assert.Empty(kept.Output);
        Assert.Equal("old", File.ReadAllText(path));

        parameters["Force"] = true;
        HostedRun replaced = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(replaced.Errors);
        Assert.Equal(path, Assert.Single(Certificates(replaced)).Path);
        Assert.Equal(FingerprintOf(_sim.Keys.PlatformCertificatePath), FingerprintOf(path));
        Assert.Equal(path, Assert.Single(Directory.EnumerateFileSystemEntries(_directory)));
    }

    [Fact]
    public void A_long_output_directory_that_is_a_file_is_named_as_a_file_by_an_excerpt_before_any_request()
    {
        Directory.CreateDirectory(_directory);
        string notAFolder = Path.Combine(_directory, "not-a-folder-" + new string('x', 120));
        File.WriteAllText(notAFolder, "a file");
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = notAFolder;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.OutputDirectoryUnavailable, error.FullyQualifiedErrorId);
        Assert.Contains("is a file, not a folder", error.Exception.Message);
        Assert.Contains(UserText.ExcerptPath(notAFolder), error.Exception.Message);
        Assert.DoesNotContain(notAFolder, error.Exception.ToString());
        Assert.Equal("a file", File.ReadAllText(notAFolder));
        Assert.Empty(run.Output);
        Assert.Equal(0, _sim.CertificateRequests);
    }

    [Theory]
    [InlineData("\r\n", "U+000D, U+000A")]
    [InlineData("\t", "U+0009")]
    [InlineData("\u001b[31m", "U+001B")]
    public void An_output_directory_with_control_characters_is_refused_with_them_named_before_any_request(string controls, string named)
    {
        string folder = Path.Combine(_directory, "certs" + controls);
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = folder;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.OutputDirectoryUnavailable, error.FullyQualifiedErrorId);
        Assert.Contains(named, error.Exception.Message);
        Assert.Contains(UserText.ExcerptPath(folder), error.Exception.Message);
        Assert.All(controls.Where(char.IsControl), c => Assert.DoesNotContain(c.ToString(), error.Exception.Message, StringComparison.Ordinal));
        Assert.False(Directory.Exists(_directory), "a folder was created");
        Assert.Equal(0, _sim.CertificateRequests);
    }

    /// <summary>A symbolic link named wechatpay_&lt;serial&gt;.pem in the output folder, to a file outside it (made when <paramref name="dangling"/> is false).</summary>
    private (string Link, string Target) LinkAtTheFileName(bool dangling)
    {
        Directory.CreateDirectory(_directory);
        string outside = Directory.CreateDirectory(Path.Combine(_directory, "outside")).FullName;
        string target = Path.Combine(outside, "target.pem");
        if (!dangling)
        {
            File.WriteAllText(target, "the link's target");
        }

        string certs = Directory.CreateDirectory(Path.Combine(_directory, "certs")).FullName;
        string link = Path.Combine(certs, $"wechatpay_{_sim.Keys.PlatformSerialNumber}.pem");
        File.CreateSymbolicLink(link, target);
        return (link, target);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_symbolic_link_at_the_file_name_is_never_written_through_with_or_without_Force(bool dangling, bool force)
    {
        (string link, string target) = LinkAtTheFileName(dangling);
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = Path.GetDirectoryName(link);
        parameters["Force"] = force;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.PlatformCertificateFileNotRegular, error.FullyQualifiedErrorId);
        Assert.Contains("symbolic link", error.Exception.Message);
        Assert.Empty(run.Output);
        Assert.Equal(dangling ? null : "the link's target", File.Exists(target) ? File.ReadAllText(target) : null);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(link)!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_folder_at_the_file_name_is_refused_with_or_without_Force(bool force)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_directory, $"wechatpay_{_sim.Keys.PlatformSerialNumber}.pem")).FullName;
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;
        parameters["Force"] = force;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.PlatformCertificateFileNotRegular, error.FullyQualifiedErrorId);
        Assert.Contains("folder", error.Exception.Message);
        Assert.Empty(run.Output);
        Assert.True(Directory.Exists(folder));
        Assert.Single(Directory.EnumerateFileSystemEntries(_directory));
    }

    [UnixFact]
    public async Task A_fifo_at_the_file_name_is_refused_without_being_opened_with_or_without_Force()
    {
        Directory.CreateDirectory(_directory);
        string fifo = Path.Combine(_directory, $"wechatpay_{_sim.Keys.PlatformSerialNumber}.pem");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        foreach (bool force in new[] { false, true })
        {
            var parameters = Parameters(Trusted.PublicKey);
            parameters["OutputDirectory"] = _directory;
            parameters["Force"] = force;
            parameters["WhatIf"] = !force; // the documented refresh example reads what is saved

            // Opening a FIFO nobody writes waits for ever: whatever the command does, the test ends.
            Task<HostedRun> saving = Task.Run(() => _session.Run("Get-WxPayscorePlatformCertificate", parameters));
            Assert.Same(saving, await Task.WhenAny(saving, Task.Delay(TimeSpan.FromSeconds(30))));
            HostedRun run = await saving;

            ErrorRecord error = Assert.Single(run.Errors);
            Assert.StartsWith(ErrorIds.PlatformCertificateFileNotRegular, error.FullyQualifiedErrorId);
            Assert.Contains("FIFO", error.Exception.Message);
            Assert.Empty(run.Output);
        }
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_named_once_with_the_reason()
    {
        // Root may write anywhere on a normal file system; /sys refuses even root. Elsewhere nothing here to test.
        const string unwritable = "/sys";
        if (OperatingSystem.IsWindows() || !Directory.Exists(unwritable))
        {
            return;
        }

        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = unwritable;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.OutputDirectoryUnavailable, error.FullyQualifiedErrorId);
        string message = error.Exception.Message;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "wechatpay_"));
        Assert.Contains("ermission denied", message);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("as saved", false)]
    [InlineData("as saved", true)]
    [InlineData("with Windows line ends", false)]
    public void A_file_that_holds_the_same_certificate_is_already_saved_without_an_error(string how, bool whatIf)
    {
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;
        string path = Assert.Single(Certificates(_session.Run("Get-WxPayscorePlatformCertificate", parameters))).Path!;
        if (how == "with Windows line ends")
        {
            File.WriteAllText(path, File.ReadAllText(path).Replace("\n", "\r\n"));
        }

        byte[] before = File.ReadAllBytes(path);
        DateTime written = File.GetLastWriteTimeUtc(path);
        parameters["WhatIf"] = whatIf;
        parameters["Verbose"] = true;

        HostedRun again = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(again.Errors);
        Assert.Equal(path, Assert.Single(Certificates(again)).Path);
        Assert.Contains(again.Verbose, v => v.Contains("already saved") && v.Contains(_sim.Keys.PlatformSerialNumber));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void The_same_certificate_listed_twice_is_saved_once_without_an_error()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.DuplicatedCertificate, Target = FaultTarget.Certificates });
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(run.Errors);
        PlatformCertificate certificate = Assert.Single(Certificates(run));
        Assert.Equal(_sim.Keys.PlatformSerialNumber, certificate.SerialNumber);
        Assert.Equal(certificate.Path, Assert.Single(Directory.EnumerateFileSystemEntries(_directory)));
    }

    [Fact]
    public void WhatIf_writes_no_file()
    {
        var parameters = Parameters(Trusted.PublicKey);
        parameters["OutputDirectory"] = _directory;
        parameters["WhatIf"] = true;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.Empty(run.Errors);
        Assert.Null(Assert.Single(Certificates(run)).Path);
        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    public void A_public_key_only_merchant_is_told_to_use_the_public_key()
    {
        _sim.PublicKeyOnly = true;

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", Parameters(Trusted.PublicKey));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.PlatformCertificatesNotAvailable, error.FullyQualifiedErrorId);
        Assert.Contains("RESOURCE_NOT_EXISTS", error.Exception.Message);
        Assert.Contains("pub_key.pem", error.Exception.Message);
        Assert.Contains("PUB_KEY_ID_", error.Exception.Message);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Without_an_APIv3_key_the_download_stops_before_any_request()
    {
        var parameters = Parameters(Trusted.PublicKey);
        parameters.Remove("ApiV3Key");

        HostedRun run = _session.Run("Get-WxPayscorePlatformCertificate", parameters);

        Assert.StartsWith(ErrorIds.ApiV3KeyMissing, Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_run_with_only_id_serial_key_and_APIv3_key_downloads_the_certificates_at_start_and_verifies_every_answer()
    {
        string csv = Path.Combine(Directory.CreateDirectory(_directory).FullName, "users.csv");
        File.WriteAllLines(csv, ["openid,service_id", .. Enumerable.Range(1, 6).Select(i => $"oOnlyApiV3Key{i},500001")]);
        IEnumerable<object> rows = _session.Objects("Import-Csv $args[0]", csv);

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Terminate(Parameters(Trusted.Nothing)), rows);

        Assert.Empty(run.Errors);
        Assert.Equal(6, run.Results.Count);
        Assert.All(run.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.Equal(1, _sim.CertificateRequests);
        Assert.Contains(run.Warnings, w => w.Contains(FingerprintOf(_sim.Keys.PlatformCertificatePath)) && w.Contains("first use"));
        Assert.Equal(6, _sim.Terminates.Count);
    }

    [Fact]
    public void Without_an_APIv3_key_or_a_WeChat_Pay_key_the_run_stops_and_names_all_three_ways()
    {
        var parameters = Terminate(Parameters(Trusted.Nothing));
        parameters.Remove("ApiV3Key");

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oNoKeys", 1));

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.WechatpayKeyMissing, error.FullyQualifiedErrorId);
        Assert.Contains("-ApiV3Key", error.Exception.Message);
        Assert.Equal(0, _sim.RequestCount);
    }

    /// <summary>A terminate run trusting the first platform certificate, while the simulator lists a second and signs with it after <paramref name="afterAnswers"/>.</summary>
    private Dictionary<string, object?> RotateDuringRun(int afterAnswers, int throttleLimit)
    {
        _sim.AddPlatformCertificate();
        _sim.SignWithNewestPlatformCertificate(afterAnswers);
        var parameters = Terminate(Parameters(Trusted.PlatformCertificate));
        parameters["ThrottleLimit"] = throttleLimit;
        return parameters;
    }

    [Fact]
    public void A_rotation_in_the_middle_of_a_run_costs_no_row_and_one_download()
    {
        var parameters = RotateDuringRun(afterAnswers: 5, throttleLimit: 1);

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oRotation", 20));

        Assert.Empty(run.Errors);
        Assert.All(run.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.Equal(1, _sim.CertificateRequests);
        Assert.Equal(20, _sim.Terminates.Count);
    }

    [Fact]
    public void Without_an_APIv3_key_a_rotation_leaves_the_later_answers_unverified_as_before()
    {
        var parameters = RotateDuringRun(afterAnswers: 3, throttleLimit: 1);
        parameters.Remove("ApiV3Key");
        parameters["MaxRetries"] = 0;
        parameters["ErrorAction"] = ActionPreference.SilentlyContinue;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oNoRotation", 5));

        Assert.Equal([ResultCodes.Ok, ResultCodes.Ok, ResultCodes.Ok], run.Results.Take(3).Select(r => r.Code));
        Assert.All(run.Results.Skip(3), r => Assert.NotEqual(ResultCodes.Ok, r.Code));
        Assert.Equal(0, _sim.CertificateRequests);
    }

    [Fact]
    public void Concurrent_rows_signed_by_a_new_certificate_wait_for_one_download()
    {
        var parameters = RotateDuringRun(afterAnswers: 0, throttleLimit: 8);
        _sim.LatencyMs = 20;
        // A slow download: the other rows in flight meet the unknown serial while it runs.
        _sim.AddFault(new FaultRule { Kind = FaultKind.Latency, Target = FaultTarget.Certificates, DelayMs = 400 });

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, Rows("oConcurrent", 24));

        Assert.Empty(run.Errors);
        Assert.All(run.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.Equal(1, _sim.CertificateRequests);
        Assert.True(_sim.MaxInFlight > 1, "the rows did not overlap");
    }
}
