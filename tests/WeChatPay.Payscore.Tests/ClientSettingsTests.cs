using System.Diagnostics;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Every form of the merchant key, serial derivation, key/certificate checks and the layering of settings.</summary>
public sealed class ClientSettingsTests : IDisposable
{
    private const string MerchantId = "1900009191";
    private const string PublicKeyId = "PUB_KEY_ID_0114232134912410000000000000";
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A layer with everything but the merchant key and serial.</summary>
    private static ClientSettings Base() => new ClientSettings()
        .WithMerchantId(MerchantId, "-MerchantId")
        .WithWechatpayPublicKey(PublicKeyId, "-WechatpayPublicKeyId", TestKeys.PublicKeyPath, null, "-WechatpayPublicKeyPath");

    private static ClientSettings WithKey(ClientSettings layer, MerchantKeySource key) => layer.WithPrivateKey([key], "-PrivateKeyPath");

    private static SecureString Secure(string text) => SecureText.FromPlainText(text);

    private static void AssertIsTheTestKey(ResolvedCredentials credentials)
    {
        using RSA reference = TestKeys.ReferenceKey();
        byte[] data = "message"u8.ToArray();
        byte[] signature = credentials.MerchantKey.PrivateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(reference.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    #region Key forms

    [Theory]
    [InlineData("test-only-merchant-key.pkcs8.pem")]
    [InlineData("test-only-merchant-key.pkcs1.pem")]
    public void Pem_files_in_pkcs8_and_pkcs1_form_load(string file)
    {
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Path_(file), "-PrivateKeyPath"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial.ToLowerInvariant(), "-MerchantSerialNumber");

        ResolvedCredentials credentials = CredentialResolver.Resolve(settings);

        AssertIsTheTestKey(credentials);
        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
    }

    [Fact]
    public void Pem_text_in_a_secure_string_loads_without_touching_disk()
    {
        using SecureString pem = Secure(File.ReadAllText(TestKeys.Pkcs1KeyPath));
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemText(pem, "-PrivateKey"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber");

        ResolvedCredentials credentials = CredentialResolver.Resolve(settings);

        AssertIsTheTestKey(credentials);
        Assert.Equal("PEM text (-PrivateKey)", settings.PrivateKey!.Description);
    }

    [Fact]
    public void Pem_text_from_the_environment_may_have_its_line_breaks_written_as_backslash_n()
    {
        string oneLine = File.ReadAllText(TestKeys.Pkcs8KeyPath).Replace("\r", "").Replace("\n", "\\n");
        ClientSettings environment = EnvironmentSettings.Read(Variables(new()
        {
            ["WXPAY_MCHID"] = MerchantId,
            ["WXPAY_MERCHANT_SERIAL"] = TestKeys.CertificateSerial,
            ["WXPAY_PRIVATE_KEY"] = oneLine,
            ["WXPAY_PUBLIC_KEY_ID"] = PublicKeyId,
            ["WXPAY_PUBLIC_KEY"] = File.ReadAllText(TestKeys.PublicKeyPath).Replace("\n", "\\n"),
        }));

        ResolvedCredentials credentials = CredentialResolver.Resolve(environment);

        AssertIsTheTestKey(credentials);
        Assert.Equal(PublicKeyId, credentials.WechatpayKeys.PublicKeyId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_pkcs12_file_opens_with_the_merchant_id_by_default_and_gives_key_and_serial(bool legacyEncryption)
    {
        string p12 = OpenSslPkcs12(MerchantId, legacyEncryption);
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(p12, null, "-CertificatePath"));

        ResolvedCredentials credentials = CredentialResolver.Resolve(settings);

        AssertIsTheTestKey(credentials);
        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
        Assert.NotNull(credentials.Certificate);
    }

    [Fact]
    public void A_pkcs12_file_made_by_dotnet_opens_with_an_explicit_password()
    {
        string p12 = DotnetPkcs12("p@ss word!");
        using SecureString password = Secure("p@ss word!");
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(p12, password, "-CertificatePath"));

        ResolvedCredentials credentials = CredentialResolver.Resolve(settings);

        AssertIsTheTestKey(credentials);
        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
    }

    [Fact]
    public void A_wrong_pkcs12_password_stops_with_its_error_id_and_never_quotes_the_password()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            string p12 = DotnetPkcs12("right-password-1234");
            using SecureString wrong = Secure("wrong-password-5678");
            ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(p12, wrong, "-CertificatePath"));

            var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

            Assert.Equal(ErrorIds.CertificatePasswordInvalid, ex.ErrorId);
            Assert.Contains("-CertificatePassword", ex.Message);
            Assert.DoesNotContain("password-5678", ex.ToString());
            Assert.DoesNotContain("password-1234", ex.ToString());
        }
    }

    [Fact]
    public void Without_a_password_a_pkcs12_file_with_another_password_says_the_merchant_id_was_tried()
    {
        string p12 = DotnetPkcs12("not-the-mchid");
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(p12, null, "-CertificatePath"));

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.CertificatePasswordInvalid, ex.ErrorId);
        Assert.Contains(MerchantId, ex.Message);
    }

    [Theory]
    [InlineData("not-a-p12", ErrorIds.CertificateUnreadable)]
    [InlineData("missing", ErrorIds.CertificateNotFound)]
    [InlineData("certificate-only", ErrorIds.CertificateHasNoPrivateKey)]
    public void Bad_pkcs12_files_stop_with_their_error_id(string kind, string errorId)
    {
        string path = kind switch
        {
            "not-a-p12" => TestKeys.Pkcs8KeyPath,
            "missing" => Path.Combine(_dir, "absent.p12"),
            _ => CertificateOnlyPkcs12(),
        };
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(path, null, "-CertificatePath"));

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(UserText.ExcerptPath(path), ex.Message);
    }

    [Theory]
    [InlineData("test-only-encrypted-key.pem", ErrorIds.PrivateKeyEncrypted)]
    [InlineData("test-only-merchant-key.public.pem", ErrorIds.PrivateKeyIsNotPrivate)]
    [InlineData("test-only-merchant-cert.pem", ErrorIds.PrivateKeyIsNotPrivate)]
    [InlineData("test-only-ec-key.pem", ErrorIds.PrivateKeyNotRsa)]
    public void Bad_pem_text_in_a_secure_string_stops_with_the_same_error_ids_as_a_file(string file, string errorId)
    {
        using SecureString pem = Secure(File.ReadAllText(TestKeys.Path_(file)));
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemText(pem, "-PrivateKey"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains("-PrivateKey", ex.Message);
    }

    [Fact]
    public void Two_key_forms_at_once_stop_and_name_both()
    {
        using SecureString pem = Secure(File.ReadAllText(TestKeys.Pkcs8KeyPath));
        ClientSettings settings = Base().WithPrivateKey(
            [MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"), MerchantKeySource.FromPemText(pem, "-PrivateKey")],
            "-PrivateKeyPath, -PrivateKey, -CertificatePath");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.PrivateKeyAmbiguous, ex.ErrorId);
        Assert.Contains("(-PrivateKeyPath)", ex.Message);
        Assert.Contains("(-PrivateKey)", ex.Message);
    }

    #endregion

    #region Serial number and certificate

    [Fact]
    public void The_serial_number_is_read_from_the_merchant_certificate_when_not_given()
    {
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantCertificate(TestKeys.CertificatePath, "-MerchantCertificatePath");

        ResolvedCredentials credentials = CredentialResolver.Resolve(settings);

        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
    }

    [Fact]
    public void A_given_serial_that_is_not_the_certificates_stops_and_shows_both()
    {
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantCertificate(TestKeys.CertificatePath, "-MerchantCertificatePath")
            .WithMerchantSerialNumber("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "-MerchantSerialNumber");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.MerchantSerialNumberMismatch, ex.ErrorId);
        Assert.Contains("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", ex.Message);
        Assert.Contains(TestKeys.CertificateSerial, ex.Message);
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_stops_before_any_request()
    {
        using RSA other = RSA.Create(2048);
        string otherKey = WriteKey("other_key.pem", other);
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(otherKey, "-PrivateKeyPath"))
            .WithMerchantCertificate(TestKeys.CertificatePath, "-MerchantCertificatePath");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.PrivateKeyCertificateMismatch, ex.ErrorId);
        Assert.Contains("SIGN_ERROR", ex.Message);
    }

    [Fact]
    public void A_certificate_file_that_is_not_the_pkcs12_certificate_stops()
    {
        using RSA other = RSA.Create(2048);
        string otherCertificate = WriteCertificate("other_cert.pem", "other", other, out _);
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPkcs12File(OpenSslPkcs12(MerchantId, false), null, "-CertificatePath"))
            .WithMerchantCertificate(otherCertificate, "-MerchantCertificatePath");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.MerchantSerialNumberMismatch, ex.ErrorId);
    }

    [Theory]
    [InlineData("missing", ErrorIds.MerchantCertificateNotFound)]
    [InlineData("test-only-merchant-key.public.pem", ErrorIds.MerchantCertificateInvalid)]
    public void Bad_merchant_certificate_files_stop_with_their_error_id(string file, string errorId)
    {
        string path = file == "missing" ? Path.Combine(_dir, "absent.pem") : TestKeys.Path_(file);
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantCertificate(path, "-MerchantCertificatePath");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void Without_serial_or_certificate_the_error_names_every_way_to_give_one()
    {
        ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"));

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

        Assert.Equal(ErrorIds.MerchantSerialNumberMissing, ex.ErrorId);
        Assert.Contains("-MerchantSerialNumber", ex.Message);
        Assert.Contains("-MerchantCertificatePath", ex.Message);
        Assert.Contains("WXPAY_MERCHANT_SERIAL", ex.Message);
    }

    #endregion

    #region Layers: parameter > connection > environment

    [Fact]
    public void Each_setting_comes_from_the_highest_layer_that_gives_it()
    {
        ClientSettings command = new ClientSettings().WithMerchantId("1111", "-MerchantId");
        ClientSettings connection = new ClientSettings()
            .WithMerchantId("2222", "-MerchantId")
            .WithBaseUri("http://127.0.0.1:2/", "-BaseUri")
            .AsConnection();
        ClientSettings environment = EnvironmentSettings.Read(Variables(new()
        {
            ["WXPAY_MCHID"] = "3333",
            ["WXPAY_BASE_URI"] = "http://127.0.0.1:3/",
            ["WXPAY_MERCHANT_SERIAL"] = TestKeys.CertificateSerial,
        }));

        ClientSettings all = SettingsMerge.Merge(command, connection, environment);
        ClientSettings noCommand = SettingsMerge.Merge(null, connection, environment);
        ClientSettings environmentOnly = SettingsMerge.Merge(null, null, environment);

        Assert.Equal(("1111", "http://127.0.0.1:2/", TestKeys.CertificateSerial), (all.MerchantId, all.BaseUri, all.MerchantSerialNumber));
        Assert.Equal(("2222", "http://127.0.0.1:2/"), (noCommand.MerchantId, noCommand.BaseUri));
        Assert.Equal(("3333", "http://127.0.0.1:3/"), (environmentOnly.MerchantId, environmentOnly.BaseUri));
        Assert.Equal("-MerchantId", all.Origin("MerchantId"));
        Assert.Equal("-MerchantId of the session connection", noCommand.Origin("MerchantId"));
        Assert.Equal("WXPAY_MCHID", environmentOnly.Origin("MerchantId"));
    }

    [Fact]
    public void A_key_on_the_command_replaces_the_connections_key()
    {
        using SecureString pem = Secure(File.ReadAllText(TestKeys.Pkcs8KeyPath));
        ClientSettings connection = WithKey(Base(), MerchantKeySource.FromPemFile(Path.Combine(_dir, "gone.pem"), "-PrivateKeyPath"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber")
            .AsConnection();
        ClientSettings command = WithKey(new ClientSettings(), MerchantKeySource.FromPemText(pem, "-PrivateKey"));

        ResolvedCredentials credentials = CredentialResolver.Resolve(SettingsMerge.Merge(command, connection));

        AssertIsTheTestKey(credentials);
    }

    [Fact]
    public void A_certificate_on_a_higher_layer_brings_its_own_serial_over_a_lower_layers_serial()
    {
        ClientSettings connection = Base()
            .WithMerchantSerialNumber("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "-MerchantSerialNumber")
            .AsConnection();
        ClientSettings command = WithKey(new ClientSettings(), MerchantKeySource.FromPkcs12File(OpenSslPkcs12(MerchantId, false), null, "-CertificatePath"));

        ResolvedCredentials credentials = CredentialResolver.Resolve(SettingsMerge.Merge(command, connection));

        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
    }

    [Fact]
    public void A_pem_key_on_the_command_signs_as_the_connections_pkcs12_certificate_and_must_match_it()
    {
        ClientSettings connection = WithKey(Base(), MerchantKeySource.FromPkcs12File(OpenSslPkcs12(MerchantId, false), null, "-CertificatePath")).AsConnection();
        using RSA other = RSA.Create(2048);
        string otherKey = WriteKey("other_key.pem", other);

        ResolvedCredentials sameKey = CredentialResolver.Resolve(SettingsMerge.Merge(WithKey(new ClientSettings(), MerchantKeySource.FromPemFile(TestKeys.Pkcs1KeyPath, "-PrivateKeyPath")), connection));
        var ex = Assert.Throws<PayscoreException>(
            () => CredentialResolver.Resolve(SettingsMerge.Merge(WithKey(new ClientSettings(), MerchantKeySource.FromPemFile(otherKey, "-PrivateKeyPath")), connection)));

        Assert.Equal(TestKeys.CertificateSerial, sameKey.SerialNumber);
        Assert.Equal(ErrorIds.PrivateKeyCertificateMismatch, ex.ErrorId);
    }

    [Fact]
    public void A_pkcs12_file_on_the_command_replaces_the_connections_certificate_file()
    {
        using RSA other = RSA.Create(2048);
        string oldCertificate = WriteCertificate("old_cert.pem", "old", other, out _);
        string oldKey = WriteKey("old_key.pem", other);
        ClientSettings connection = WithKey(Base(), MerchantKeySource.FromPemFile(oldKey, "-PrivateKeyPath"))
            .WithMerchantCertificate(oldCertificate, "-MerchantCertificatePath")
            .AsConnection();
        ClientSettings command = WithKey(new ClientSettings(), MerchantKeySource.FromPkcs12File(OpenSslPkcs12(MerchantId, false), null, "-CertificatePath"));

        ResolvedCredentials credentials = CredentialResolver.Resolve(SettingsMerge.Merge(command, connection));

        Assert.Equal(TestKeys.CertificateSerial, credentials.SerialNumber);
        AssertIsTheTestKey(credentials);
    }

    [Fact]
    public void A_serial_on_a_higher_layer_is_checked_against_a_lower_layers_certificate()
    {
        ClientSettings connection = WithKey(Base(), MerchantKeySource.FromPkcs12File(OpenSslPkcs12(MerchantId, false), null, "-CertificatePath")).AsConnection();
        ClientSettings command = new ClientSettings().WithMerchantSerialNumber("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "-MerchantSerialNumber");

        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(SettingsMerge.Merge(command, connection)));

        Assert.Equal(ErrorIds.MerchantSerialNumberMismatch, ex.ErrorId);
    }

    [Fact]
    public void The_environments_key_text_wins_over_its_key_path()
    {
        ClientSettings environment = EnvironmentSettings.Read(Variables(new()
        {
            ["WXPAY_PRIVATE_KEY"] = File.ReadAllText(TestKeys.Pkcs8KeyPath),
            ["WXPAY_PRIVATE_KEY_PATH"] = Path.Combine(_dir, "absent.pem"),
        }));

        Assert.Equal("PEM text (WXPAY_PRIVATE_KEY)", environment.PrivateKey!.Description);
    }

    [Fact]
    public void Half_a_public_key_in_the_environment_stops_only_when_it_is_the_one_used()
    {
        ClientSettings environment = EnvironmentSettings.Read(Variables(new() { ["WXPAY_PUBLIC_KEY_ID"] = PublicKeyId }));
        ClientSettings command = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber");
        ClientSettings commandWithoutPublicKey = WithKey(new ClientSettings().WithMerchantId(MerchantId, "-MerchantId"), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber");

        CredentialResolver.Resolve(SettingsMerge.Merge(command, environment));
        var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(SettingsMerge.Merge(commandWithoutPublicKey, environment)));

        Assert.Equal(ErrorIds.WechatpayPublicKeyPathMissing, ex.ErrorId);
        Assert.Contains("WXPAY_PUBLIC_KEY_ID", ex.Message);
    }

    [Fact]
    public void Platform_certificates_and_a_public_key_from_different_layers_are_both_kept()
    {
        using RSA platform = RSA.Create(2048);
        string platformPath = WriteCertificate("wechatpay_platform.pem", "Tenpay.com Root CA", platform, out string certificateSerial);
        ClientSettings connection = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
            .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber")
            .AsConnection();
        ClientSettings command = new ClientSettings().WithPlatformCertificates([platformPath]);

        ResolvedCredentials credentials = CredentialResolver.Resolve(SettingsMerge.Merge(command, connection));

        Assert.Equal(PublicKeyId, credentials.WechatpayKeys.PublicKeyId);
        Assert.True(credentials.WechatpayKeys.TryGet(certificateSerial, out _));
        Assert.Equal(2, credentials.WechatpayKeys.Count);
    }

    [Fact]
    public void A_key_source_loads_once_and_serves_later_commands_after_its_file_is_gone()
    {
        string copy = Path.Combine(_dir, "apiclient_key.pem");
        File.Copy(TestKeys.Pkcs8KeyPath, copy);
        using MerchantKeySource source = MerchantKeySource.FromPemFile(copy, "-PrivateKeyPath");

        MerchantKey first = source.Load(MerchantId);
        File.Delete(copy);
        MerchantKey second = source.Load(MerchantId);

        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("http://user:secret@proxy.example:8080/")]
    [InlineData("ftp://proxy.example/")]
    public void A_proxy_with_credentials_in_its_address_or_a_wrong_scheme_stops(string proxy)
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            ClientSettings settings = WithKey(Base(), MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"))
                .WithMerchantSerialNumber(TestKeys.CertificateSerial, "-MerchantSerialNumber")
                .WithProxy(proxy, null);

            var ex = Assert.Throws<PayscoreException>(() => CredentialResolver.Resolve(settings));

            Assert.Equal(ErrorIds.ProxyInvalid, ex.ErrorId);
            Assert.DoesNotContain("secret", ex.Message);
        }
    }

    [Fact]
    public void The_proxy_and_its_credential_come_from_the_same_layer()
    {
        var credential = new NetworkCredential("corp\\svc", "pw");
        ClientSettings connection = new ClientSettings().WithProxy("http://proxy.example:8080/", credential).AsConnection();
        ClientSettings command = new ClientSettings().WithProxy("http://other.example:3128/", null);

        ClientSettings merged = SettingsMerge.Merge(command, connection);
        ClientSettings connectionOnly = SettingsMerge.Merge(null, connection);

        Assert.Equal(("http://other.example:3128/", (NetworkCredential?)null), (merged.Proxy, merged.ProxyCredential));
        Assert.Equal(("http://proxy.example:8080/", credential), (connectionOnly.Proxy, connectionOnly.ProxyCredential));
    }

    [Theory]
    [InlineData("MerchantId", ErrorIds.MerchantIdInvalid)]
    [InlineData("MerchantSerialNumber", ErrorIds.MerchantSerialNumberInvalid)]
    [InlineData("WechatpayPublicKeyId", ErrorIds.WechatpayPublicKeyIdInvalid)]
    [InlineData("BaseUri", ErrorIds.BaseUriInvalid)]
    [InlineData("BaseUriPath", ErrorIds.BaseUriInvalid)]
    public void A_setting_of_100000_characters_or_of_key_text_gives_a_short_message_without_the_key(string setting, string errorId)
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            using RSA rsa = RSA.Create(2048);
            string pem = rsa.ExportPkcs8PrivateKeyPem();
            foreach (string value in new[] { "1" + new string('z', 99_999), pem })
            {
                ClientSettings layer = new ClientSettings()
                    .WithMerchantId(setting == "MerchantId" ? value : MerchantId, "-MerchantId")
                    .WithMerchantSerialNumber(setting == "MerchantSerialNumber" ? value : null, "-MerchantSerialNumber")
                    .WithBaseUri(setting == "BaseUri" ? "ftp://" + value : setting == "BaseUriPath" ? "https://api.mch.weixin.qq.com/" + value : null, "-BaseUri")
                    .WithWechatpayPublicKey(setting == "WechatpayPublicKeyId" ? value : PublicKeyId, "-WechatpayPublicKeyId", TestKeys.PublicKeyPath, null, "-WechatpayPublicKeyPath");
                layer = WithKey(layer, MerchantKeySource.FromPemFile(TestKeys.Pkcs8KeyPath, "-PrivateKeyPath"));

                var ex = Assert.Throws<PayscoreException>(() => layer.WechatpayPublicKeyProblem is { } problem ? throw problem : CredentialResolver.Resolve(layer));

                Assert.Equal(errorId, ex.ErrorId);
                Assert.True(ex.Message.Length < 400, $"{setting}: a message of {ex.Message.Length:N0} characters");
                KeyLeak.AssertNone(ex.ToString(), KeyLeak.Base64Of(pem), "the error");
            }
        }
    }

    #endregion

    private string WriteKey(string file, RSA key)
    {
        string path = Path.Combine(_dir, file);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    /// <summary>A self-signed certificate for <paramref name="key"/>, written as PEM.</summary>
    private string WriteCertificate(string file, string subject, RSA key, out string serialNumber)
    {
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(1));
        string path = Path.Combine(_dir, file);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        serialNumber = certificate.SerialNumber;
        return path;
    }

    private static Func<string, string?> Variables(Dictionary<string, string> values) =>
        name => values.TryGetValue(name, out string? value) ? value : null;

    /// <summary>A PKCS#12 file made by openssl, as WeChat Pay's tool makes them (legacy: 3DES and RC2, as older files are).</summary>
    private string OpenSslPkcs12(string password, bool legacy)
    {
        string path = Path.Combine(_dir, legacy ? "legacy.p12" : "apiclient_cert.p12");
        if (!File.Exists(path))
        {
            RunOpenSsl($"pkcs12 -export {(legacy ? "-legacy " : "")}-inkey \"{TestKeys.Pkcs8KeyPath}\" -in \"{TestKeys.CertificatePath}\" -passout pass:{password} -out \"{path}\"");
        }

        return path;
    }

    private string CertificateOnlyPkcs12()
    {
        string path = Path.Combine(_dir, "certificate-only.p12");
        RunOpenSsl($"pkcs12 -export -nokeys -in \"{TestKeys.CertificatePath}\" -passout pass:{MerchantId} -out \"{path}\"");
        return path;
    }

    private string DotnetPkcs12(string password)
    {
        using RSA key = TestKeys.ReferenceKey();
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(TestKeys.CertificatePath));
        using X509Certificate2 withKey = certificate.CopyWithPrivateKey(key);
        string path = Path.Combine(_dir, $"dotnet-{Guid.NewGuid():N}.p12");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    private static void RunOpenSsl(string arguments)
    {
        Assert.True(OpenSsl.Available, "openssl must be on PATH: it makes the PKCS#12 files independently of .NET.");
        using var process = Process.Start(new ProcessStartInfo("openssl", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl {arguments.Split(' ')[0]} failed: {error}");
    }
}
