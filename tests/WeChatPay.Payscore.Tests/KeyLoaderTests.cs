using System.Security.Cryptography;
using WeChatPay.Payscore.Crypto;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class KeyLoaderTests
{
    [Theory]
    [InlineData("test-only-merchant-key.pkcs8.pem")]
    [InlineData("test-only-merchant-key.pkcs1.pem")]
    public void Private_key_loads_to_the_same_key_the_platform_reads(string file)
    {
        using RSA loaded = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Path_(file));
        using RSA reference = TestKeys.ReferenceKey();

        RSAParameters a = loaded.ExportParameters(true);
        RSAParameters b = reference.ExportParameters(true);
        Assert.Equal(b.Modulus, a.Modulus);
        Assert.Equal(b.Exponent, a.Exponent);
        Assert.Equal(b.D, a.D);
        Assert.Equal(b.P, a.P);
        Assert.Equal(b.Q, a.Q);
        Assert.Equal(b.InverseQ, a.InverseQ);
    }

    [Fact]
    public void Keys_whose_values_have_leading_zero_bytes_still_import()
    {
        // Generate keys until one has a short CRT value: the padding path must produce a usable key.
        for (int i = 0; i < 200; i++)
        {
            using RSA rsa = RSA.Create(2048);
            RSAParameters p = rsa.ExportParameters(true);
            if (p.DP![0] != 0 && p.DQ![0] != 0 && p.InverseQ![0] != 0 && p.D![0] != 0 && p.P![0] != 0 && p.Q![0] != 0)
            {
                continue;
            }

            using RSA loaded = MerchantPrivateKeyLoader.LoadFromPem(rsa.ExportPkcs8PrivateKeyPem(), "a generated key");
            byte[] data = [1, 2, 3];
            byte[] signature = loaded.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            return;
        }

        Assert.Fail("No key with a leading zero byte in 200 tries (chance about 1 in 10^8).");
    }

    [Theory]
    [InlineData("test-only-encrypted-key.pem", ErrorIds.PrivateKeyEncrypted, "encrypted")]
    [InlineData("test-only-merchant-key.public.pem", ErrorIds.PrivateKeyIsNotPrivate, "public key")]
    [InlineData("test-only-merchant-cert.pem", ErrorIds.PrivateKeyIsNotPrivate, "certificate")]
    [InlineData("test-only-ec-key.pem", ErrorIds.PrivateKeyNotRsa, "not RSA")]
    [InlineData("README.md", ErrorIds.PrivateKeyUnreadable, "no PEM block")]
    public void Wrong_key_files_stop_with_a_stable_error_id_and_say_what_they_are(string file, string errorId, string words)
    {
        var ex = Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Path_(file)));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(words, ex.Message);
        Assert.DoesNotContain(TestKeys.PrivateKeyBase64Lines().Substring(0, 40), ex.Message);
    }

    [Fact]
    public void Missing_key_file_names_the_path_and_the_parameter()
    {
        string path = Path.Combine(TestKeys.Directory, "no-such-key.pem");

        var ex = Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromFile(path));

        Assert.Equal(ErrorIds.PrivateKeyNotFound, ex.ErrorId);
        Assert.Contains(UserText.ExcerptPath(path), ex.Message);
        Assert.Contains("-PrivateKeyPath", ex.Message);
    }

    [Fact]
    public void A_folder_given_as_a_key_file_is_named_as_a_folder_and_no_io_message_is_passed_on()
    {
        var errors = new[]
        {
            Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Directory)),
            Assert.Throws<PayscoreException>(() => MerchantPkcs12Loader.LoadFile(TestKeys.Directory, null, "1900009191")),
            Assert.Throws<PayscoreException>(() => MerchantCertificate.LoadFile(TestKeys.Directory)),
            Assert.Throws<PayscoreException>(() => WechatpayKeyLoader.LoadPublicKeyFile(TestKeys.Directory)),
            Assert.Throws<PayscoreException>(() => WechatpayKeyLoader.LoadPlatformCertificateFile(TestKeys.Directory)),
        };

        Assert.All(errors, ex =>
        {
            Assert.Contains("it is a folder, not a file", ex.Message);
            Assert.Contains(TestKeys.Directory, ex.Message);
            Assert.Null(ex.InnerException);
            Assert.DoesNotContain("Access to the path", ex.ToString());
        });
    }

    [Fact]
    public void A_path_longer_than_any_windows_path_is_quoted_as_an_excerpt()
    {
        string path = Path.Combine(TestKeys.Directory, new string('k', 5_000), "apiclient_key.pem");

        var ex = Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromFile(path));

        Assert.Contains($"/apiclient_key.pem({path.Length:N0} characters)", ex.Message);
        Assert.True(ex.Message.Length < 500, ex.Message);
        Assert.True(ex.ToString().Length < 2_000, "ToString() quotes more than the message");
    }

    [Fact]
    public void A_pem_block_without_the_dashes_of_its_begin_line_quotes_no_key_material()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            using RSA rsa = RSA.Create(2048);
            string pem = rsa.ExportPkcs8PrivateKeyPem();
            string broken = pem.Replace("-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY");

            var ex = Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromPem(broken, "the PEM text"));

            Assert.Equal(ErrorIds.PrivateKeyUnreadable, ex.ErrorId);
            KeyLeak.AssertNone(ex.ToString(), KeyLeak.Base64Of(pem), "the error");
        }
    }

    [Fact]
    public void Damaged_key_is_unreadable_and_the_message_quotes_no_key_material()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            string pem = File.ReadAllText(TestKeys.Pkcs8KeyPath);
            string truncated = pem.Substring(0, 300) + "\n-----END PRIVATE KEY-----\n";

            foreach (string bad in new[] { truncated, "-----BEGIN PRIVATE KEY-----\n!!!notbase64!!!\n-----END PRIVATE KEY-----" })
            {
                var ex = Assert.Throws<PayscoreException>(() => MerchantPrivateKeyLoader.LoadFromPem(bad, "the test text"));
                Assert.Equal(ErrorIds.PrivateKeyUnreadable, ex.ErrorId);
                Assert.DoesNotContain(pem.Substring(60, 40), ex.Message);
            }
        }
    }

    [Fact]
    public void Public_key_pem_loads_and_verifies_what_the_private_key_signed()
    {
        using RSA publicKey = WechatpayKeyLoader.LoadPublicKeyFile(TestKeys.PublicKeyPath);
        using RSA privateKey = TestKeys.ReferenceKey();
        byte[] data = [7, 8, 9];

        byte[] signature = privateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Platform_certificate_loads_with_its_uppercase_serial()
    {
        var keys = WechatpayKeyLoader.LoadPlatformCertificateFile(TestKeys.CertificatePath);

        var entry = Assert.Single(keys);
        Assert.Equal(TestKeys.CertificateSerial, entry.Key);
        Assert.Equal(2048, entry.Value.KeySize);
    }

    [Theory]
    [InlineData("test-only-merchant-key.pkcs8.pem")]
    [InlineData("test-only-merchant-cert.pem")]
    public void A_file_that_is_not_a_public_key_is_refused_as_the_wechatpay_public_key(string file)
    {
        var ex = Assert.Throws<PayscoreException>(() => WechatpayKeyLoader.LoadPublicKeyFile(TestKeys.Path_(file)));

        Assert.Equal(ErrorIds.WechatpayPublicKeyInvalid, ex.ErrorId);
    }

    [Fact]
    public void A_public_key_is_refused_as_a_platform_certificate()
    {
        var ex = Assert.Throws<PayscoreException>(() => WechatpayKeyLoader.LoadPlatformCertificateFile(TestKeys.PublicKeyPath));

        Assert.Equal(ErrorIds.PlatformCertificateInvalid, ex.ErrorId);
    }
}
