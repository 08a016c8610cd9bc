using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The checks of Test-WxPayscoreConnection on their own (<see cref="ConnectionCheck"/>), against the simulator: each
/// setup that would fail a run is told apart by its error id, and no test ever reaches a terminate route.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class ConnectionCheckTests : IDisposable
{
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    private const string ServiceId = "500001";
    private const string AppId = "wxd678efh567hg6787";

    private readonly WechatpaySimulator _sim;
    private readonly List<IDisposable> _owned = [];

    public ConnectionCheckTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose()
    {
        // Whatever a test checked, no check may ever have sent a terminate.
        Assert.Equal(0, _sim.TerminateRequests);
        Assert.Empty(_sim.Terminates);
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <summary>The kind of WeChat Pay key the settings give.</summary>
    public enum Keys
    {
        PublicKey,
        PlatformCertificate,
        None,
    }

    private ClientSettings Settings(Keys keys = Keys.PublicKey, string? privateKeyPath = null, string? serial = null, string? apiV3Key = null, Uri? baseUri = null)
    {
        var settings = new ClientSettings()
            .WithMerchantId(_sim.Keys.MerchantId, "-MerchantId")
            .WithMerchantSerialNumber(serial ?? _sim.Keys.MerchantSerialNumber, "-MerchantSerialNumber")
            .WithPrivateKey([MerchantKeySource.FromPemFile(privateKeyPath ?? _sim.Keys.MerchantPrivateKeyPath, "-PrivateKeyPath")], "-PrivateKeyPath")
            .WithBaseUri((baseUri ?? _sim.BaseUri).ToString(), "-BaseUri");
        if (keys == Keys.PublicKey)
        {
            settings.WithWechatpayPublicKey(_sim.Keys.PublicKeyId, "-WechatpayPublicKeyId", _sim.Keys.PublicKeyPath, null, "-WechatpayPublicKeyPath");
        }
        else if (keys == Keys.PlatformCertificate)
        {
            settings.WithPlatformCertificates([_sim.Keys.PlatformCertificatePath]);
        }

        if (apiV3Key != null)
        {
            settings.WithApiV3Key(SecureText.FromPlainText(apiV3Key), "-ApiV3Key");
        }

        return settings;
    }

    private ConnectionTestResult Check(ClientSettings settings, AuthorizationTarget? permission = null, double timeoutSeconds = 5)
    {
        ResolvedCredentials credentials = Resolve(settings);
        using RequestRun run = RequestRun.Start(credentials, new RunLimits { Timeout = TimeSpan.FromSeconds(timeoutSeconds) });
        // A bound on the whole check, so that a defect cannot hang the test.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var check = new ConnectionCheck(run.Client, run.Sender, credentials.WechatpayKeys, credentials.ApiV3Key, credentials.PrivateKeySource, permission);
        return check.RunAsync(new Diagnostics(), bound.Token).GetAwaiter().GetResult();
    }

    /// <summary>The settings resolved; the key sources they loaded are disposed with the test.</summary>
    private ResolvedCredentials Resolve(ClientSettings settings)
    {
        _owned.AddRange(new IDisposable?[] { settings.PrivateKey, settings.WechatpayPublicKey }.OfType<IDisposable>());
        _owned.AddRange(settings.PlatformCertificates ?? []);
        return CredentialResolver.Resolve(settings);
    }

    private static ConnectionTestCheck CheckOf(ConnectionTestResult result, string name) => Assert.Single(result.Checks, c => c.Name == name);

    private static AuthorizationTarget Target()
    {
        Assert.True(AuthorizationTarget.TryCreate(RowFields.ForOpenId(OpenId, ServiceId, AppId), out AuthorizationTarget? target, out _));
        return target!;
    }

    private static void AssertOffset(ConnectionTestResult result, int seconds) =>
        Assert.InRange(result.ClockOffset!.Value.TotalSeconds, seconds - 2, seconds + 2);

    [Fact]
    public void A_good_setup_passes_every_check_it_can_make_with_one_request()
    {
        ConnectionTestResult result = Check(Settings());

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Empty(result.Problems);
        AssertOffset(result, 0);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.Clock).Status);
        Assert.Contains("signed Wechatpay-Timestamp", CheckOf(result, ConnectionTestCheck.Clock).Message);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.Signature).Status);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
        Assert.Contains(_sim.Keys.PublicKeyId, CheckOf(result, ConnectionTestCheck.WechatpayKey).Message);
        Assert.Equal(ConnectionCheckStatus.NotChecked, CheckOf(result, ConnectionTestCheck.ApiV3Key).Status);
        Assert.Equal(ConnectionCheckStatus.NotChecked, CheckOf(result, ConnectionTestCheck.Permission).Status);
        // The simulator lists a platform certificate and signs with the public key the request names.
        Assert.Equal(WechatpayKeyMode.Both, result.Mode);
        Assert.Equal(1, _sim.RequestCount);
        Assert.Equal(1, _sim.CertificateRequests);
        Assert.Single(result.RequestIds);
    }

    [Fact]
    public void A_merchant_with_only_the_public_key_passes_on_the_404_and_its_mode_says_so()
    {
        _sim.PublicKeyOnly = true;

        ConnectionTestResult result = Check(Settings(apiV3Key: _sim.Keys.ApiV3Key));

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Equal(WechatpayKeyMode.PublicKey, result.Mode);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
        Assert.Contains("no platform certificates", CheckOf(result, ConnectionTestCheck.ApiV3Key).Message);
    }

    [Fact]
    public void A_merchant_on_platform_certificates_passes_and_its_mode_says_so()
    {
        ConnectionTestResult result = Check(Settings(Keys.PlatformCertificate));

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Equal(WechatpayKeyMode.PlatformCertificates, result.Mode);
        Assert.Contains(_sim.Keys.PlatformSerialNumber, CheckOf(result, ConnectionTestCheck.WechatpayKey).Message);
    }

    [Fact]
    public void A_serial_that_is_not_the_certificate_of_the_key_is_MerchantSerialNumberRejected()
    {
        ConnectionTestResult result = Check(Settings(serial: TestKeys.CertificateSerial));

        Assert.False(result.Passed);
        Assert.Equal([ErrorIds.MerchantSerialNumberRejected], result.Problems);
        ConnectionTestCheck signature = CheckOf(result, ConnectionTestCheck.Signature);
        Assert.Equal(ErrorIds.MerchantSerialNumberRejected, signature.ErrorId);
        Assert.Contains(TestKeys.CertificateSerial, signature.Message);
        Assert.Contains("openssl x509", signature.Message);
        Assert.Equal(WechatpayKeyMode.Unknown, result.Mode);
        AssertOffset(result, 0);
        Assert.Equal(ConnectionCheckStatus.NotChecked, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
    }

    [Fact]
    public void A_key_WeChat_Pay_refuses_is_SignatureRejected_naming_the_key()
    {
        ConnectionTestResult result = Check(Settings(privateKeyPath: TestKeys.Pkcs8KeyPath));

        Assert.Equal([ErrorIds.SignatureRejected], result.Problems);
        ConnectionTestCheck signature = CheckOf(result, ConnectionTestCheck.Signature);
        Assert.Contains("test-only-merchant-key.pkcs8.pem", signature.Message);
        Assert.Contains(_sim.Keys.MerchantSerialNumber, signature.Message);
        Assert.DoesNotContain("PRIVATE KEY", signature.Message);
    }

    /// <summary>WeChat Pay's clock <paramref name="offset"/> s from this machine's: ahead when positive.</summary>
    [Theory]
    [InlineData(120)]
    [InlineData(-120)]
    public void A_clock_120_s_off_passes_with_a_warning_that_says_which_way(int offset)
    {
        _sim.ClockOffsetSeconds = offset;

        ConnectionTestResult result = Check(Settings(), timeoutSeconds: 3);

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        AssertOffset(result, offset);
        ConnectionTestCheck clock = CheckOf(result, ConnectionTestCheck.Clock);
        Assert.Equal(ConnectionCheckStatus.Warning, clock.Status);
        Assert.Contains(offset > 0 ? "120 s ahead of this machine's" : "120 s behind this machine's", clock.Message);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(-400)]
    public void A_clock_400_s_off_fails_with_ClockOffsetTooLarge_and_blames_neither_serial_nor_key(int offset)
    {
        _sim.ClockOffsetSeconds = offset;

        ConnectionTestResult result = Check(Settings(), timeoutSeconds: 3);

        Assert.False(result.Passed);
        Assert.Equal([ErrorIds.ClockOffsetTooLarge], result.Problems);
        AssertOffset(result, offset);
        ConnectionTestCheck clock = CheckOf(result, ConnectionTestCheck.Clock);
        Assert.Contains("signed Wechatpay-Timestamp", clock.Message);
        Assert.Contains(offset > 0 ? "400 s ahead of this machine's" : "400 s behind this machine's", clock.Message);
        Assert.Equal(ConnectionCheckStatus.NotChecked, CheckOf(result, ConnectionTestCheck.Signature).Status);
        Assert.Equal(1, _sim.RequestCount);
    }

    [Fact]
    public void WeChat_Pay_400_s_behind_with_an_unsigned_refusal_is_told_by_the_Date_header()
    {
        _sim.ClockOffsetSeconds = -400;
        _sim.UnsignedCredentialRefusals = true;

        ConnectionTestResult result = Check(Settings(), timeoutSeconds: 3);

        Assert.Equal([ErrorIds.ClockOffsetTooLarge], result.Problems);
        AssertOffset(result, -400);
        Assert.Contains("Date header", CheckOf(result, ConnectionTestCheck.Clock).Message);
    }

    [Fact]
    public void The_right_APIv3_key_decrypts_the_certificate_list()
    {
        ConnectionTestResult result = Check(Settings(apiV3Key: _sim.Keys.ApiV3Key));

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        ConnectionTestCheck apiV3 = CheckOf(result, ConnectionTestCheck.ApiV3Key);
        Assert.Equal(ConnectionCheckStatus.Passed, apiV3.Status);
        Assert.Contains(_sim.Keys.PlatformSerialNumber, apiV3.Message);
    }

    [Fact]
    public void A_wrong_APIv3_key_is_PlatformCertificateDecryptionFailed_and_nothing_else()
    {
        string wrong = new string('k', 32);

        ConnectionTestResult result = Check(Settings(apiV3Key: wrong));

        Assert.Equal([ErrorIds.PlatformCertificateDecryptionFailed], result.Problems);
        ConnectionTestCheck apiV3 = CheckOf(result, ConnectionTestCheck.ApiV3Key);
        Assert.Contains("APIv3 key", apiV3.Message);
        Assert.DoesNotContain(wrong, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
    }

    [Fact]
    public void With_only_an_APIv3_key_the_list_vouches_for_itself_with_a_warning_and_a_fingerprint()
    {
        ConnectionTestResult result = Check(Settings(Keys.None, apiV3Key: _sim.Keys.ApiV3Key));

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        ConnectionTestCheck key = CheckOf(result, ConnectionTestCheck.WechatpayKey);
        Assert.Equal(ConnectionCheckStatus.Warning, key.Status);
        Assert.Contains("trusts it on first use", key.Message);
        Assert.Equal(WechatpayKeyMode.PlatformCertificates, result.Mode);
    }

    [Fact]
    public void With_only_a_wrong_APIv3_key_the_WeChat_Pay_key_is_not_blamed()
    {
        ConnectionTestResult result = Check(Settings(Keys.None, apiV3Key: new string('k', 32)));

        Assert.Equal([ErrorIds.PlatformCertificateDecryptionFailed], result.Problems);
        Assert.Equal(ConnectionCheckStatus.NotChecked, CheckOf(result, ConnectionTestCheck.WechatpayKey).Status);
    }

    [Fact]
    public void A_public_key_file_that_is_not_the_key_of_its_id_is_WechatpayKeyMismatch()
    {
        ClientSettings settings = Settings(Keys.None)
            .WithWechatpayPublicKey(_sim.Keys.PublicKeyId, "-WechatpayPublicKeyId", TestKeys.PublicKeyPath, null, "-WechatpayPublicKeyPath");

        ConnectionTestResult result = Check(settings);

        Assert.Equal([ErrorIds.WechatpayKeyMismatch], result.Problems);
        Assert.Contains("-WechatpayPublicKeyPath", CheckOf(result, ConnectionTestCheck.WechatpayKey).Message);
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(result, ConnectionTestCheck.Signature).Status);
    }

    [Fact]
    public void A_public_key_id_that_is_not_the_one_of_a_public_key_only_merchant_is_WechatpayKeyMismatch_naming_the_right_one()
    {
        _sim.PublicKeyOnly = true;
        ClientSettings settings = Settings(Keys.None)
            .WithWechatpayPublicKey("PUB_KEY_ID_0114232134912410000000000000000099", "-WechatpayPublicKeyId", _sim.Keys.PublicKeyPath, null, "-WechatpayPublicKeyPath");

        ConnectionTestResult result = Check(settings);

        Assert.Equal([ErrorIds.WechatpayKeyMismatch], result.Problems);
        Assert.Contains("-WechatpayPublicKeyId " + _sim.Keys.PublicKeyId, CheckOf(result, ConnectionTestCheck.WechatpayKey).Message);
    }

    [Fact]
    public void A_public_key_id_WeChat_Pay_does_not_know_is_a_warning_on_the_list_and_WechatpayKeyMismatch_on_the_query()
    {
        ClientSettings Wrong() => Settings(Keys.None)
            .WithWechatpayPublicKey("PUB_KEY_ID_0114232134912410000000000000000099", "-WechatpayPublicKeyId", _sim.Keys.PublicKeyPath, null, "-WechatpayPublicKeyPath");

        ConnectionTestResult listOnly = Check(Wrong());
        ConnectionTestResult withQuery = Check(Wrong(), Target());

        Assert.True(listOnly.Passed);
        ConnectionTestCheck key = CheckOf(listOnly, ConnectionTestCheck.WechatpayKey);
        Assert.Equal(ConnectionCheckStatus.Warning, key.Status);
        Assert.Contains(_sim.Keys.PlatformSerialNumber, key.Message);
        Assert.Equal([ErrorIds.WechatpayKeyMismatch], withQuery.Problems);
        Assert.Equal(ErrorIds.WechatpayKeyMismatch, CheckOf(withQuery, ConnectionTestCheck.Permission).ErrorId);
    }

    [Fact]
    public void A_certificate_list_signed_by_a_platform_certificate_does_not_fail_a_public_key_the_query_then_checks()
    {
        _sim.CertificateListSignedByPlatformCertificate = true;

        ConnectionTestResult listOnly = Check(Settings());
        ConnectionTestResult withQuery = Check(Settings(), Target());

        Assert.True(listOnly.Passed, string.Join("\n", listOnly.Checks.Select(c => c.Message)));
        ConnectionTestCheck key = CheckOf(listOnly, ConnectionTestCheck.WechatpayKey);
        Assert.Equal(ConnectionCheckStatus.Warning, key.Status);
        Assert.Contains("-OpenId", key.Message);
        Assert.Equal(WechatpayKeyMode.PlatformCertificates, listOnly.Mode);
        Assert.True(withQuery.Passed, string.Join("\n", withQuery.Checks.Select(c => c.Message)));
        Assert.Equal(ConnectionCheckStatus.Passed, CheckOf(withQuery, ConnectionTestCheck.Permission).Status);
        Assert.Equal(WechatpayKeyMode.Both, withQuery.Mode);
    }

    [Fact]
    public void A_wrong_public_key_file_the_certificate_list_did_not_exercise_is_found_by_the_query()
    {
        _sim.CertificateListSignedByPlatformCertificate = true;
        ClientSettings settings = Settings(Keys.None)
            .WithWechatpayPublicKey(_sim.Keys.PublicKeyId, "-WechatpayPublicKeyId", TestKeys.PublicKeyPath, null, "-WechatpayPublicKeyPath");

        ConnectionTestResult result = Check(settings, Target());

        Assert.Equal([ErrorIds.WechatpayKeyMismatch], result.Problems);
        ConnectionTestCheck permission = CheckOf(result, ConnectionTestCheck.Permission);
        Assert.Equal(ErrorIds.WechatpayKeyMismatch, permission.ErrorId);
        Assert.Contains(_sim.Keys.PublicKeyId, permission.Message);
    }

    [Fact]
    public void A_dead_host_is_WechatpayUnreachable_with_no_clock_and_no_mode()
    {
        ConnectionTestResult result = Check(Settings(baseUri: DeadHost.Next()), timeoutSeconds: 2);

        Assert.False(result.Passed);
        Assert.Equal([ErrorIds.WechatpayUnreachable], result.Problems);
        Assert.Null(result.ClockOffset);
        Assert.Equal(WechatpayKeyMode.Unknown, result.Mode);
        Assert.All(result.Checks.Where(c => c.Name != ConnectionTestCheck.Connection), c => Assert.Equal(ConnectionCheckStatus.NotChecked, c.Status));
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_signature_probe_is_asked_past_once()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.SignatureProbe, Target = FaultTarget.Certificates, Count = 1 });

        ConnectionTestResult result = Check(Settings());

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        Assert.Equal(2, _sim.CertificateRequests);
    }

    [Fact]
    public void The_permission_query_passes_for_an_authorization_WeChat_Pay_answers_and_ends_nothing()
    {
        ConnectionTestResult result = Check(Settings(), Target());

        Assert.True(result.Passed, string.Join("\n", result.Checks.Select(c => c.Message)));
        ConnectionTestCheck permission = CheckOf(result, ConnectionTestCheck.Permission);
        Assert.Equal(ConnectionCheckStatus.Passed, permission.Status);
        Assert.Contains("AVAILABLE", permission.Message);
        Assert.Equal(2, result.RequestIds.Length);
        Assert.Equal(2, _sim.RequestCount);
        Assert.Equal("AVAILABLE", QueryState());
    }

    [Fact]
    public void A_refused_permission_query_is_PermissionQueryFailed()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.NoAuth, Target = FaultTarget.Query });

        ConnectionTestResult result = Check(Settings(), Target());

        Assert.Equal([ErrorIds.PermissionQueryFailed], result.Problems);
        Assert.Contains("NO_AUTH", CheckOf(result, ConnectionTestCheck.Permission).Message);
    }

    /// <summary>The state the simulator reports for the test's authorization, asked with a check of its own.</summary>
    private string? QueryState()
    {
        using RequestRun run = RequestRun.Start(Resolve(Settings()), new RunLimits { Timeout = TimeSpan.FromSeconds(5) });
        return new PermissionQuery(run.Sender).QueryAsync(Target(), null, CancellationToken.None).GetAwaiter().GetResult().WechatpayState;
    }
}
