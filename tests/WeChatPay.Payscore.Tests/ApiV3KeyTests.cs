using System.Security.Cryptography;
using System.Text;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Crypto;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>AEAD_AES_256_GCM as WeChat Pay uses it, and the APIv3 key as a setting.</summary>
public class ApiV3KeyTests
{
    /// <summary>A test-only APIv3 key (32 ASCII characters); the vector below was made with it by OpenSSL and .NET alike.</summary>
    internal const string TestOnlyKey = "TestOnlyApiV3Key0123456789abcdef";
    internal const string VectorNonce = "v1Nonce12345";
    internal const string VectorCiphertext = "EtE63mH3Tq5HGIjEoL7WvL/SLqKReK7zv8bt3hfGdAdEsYQ9aklh4YMRR2NIiZKSAt8N/jF3d80f9+NhsyYMqaWqtGsOg2cGV7T3nUIhYMQ=";
    internal const string VectorPlaintext = "-----BEGIN CERTIFICATE-----\nTEST-ONLY\n-----END CERTIFICATE-----\n";

    private static ApiV3Key Key(string text = TestOnlyKey) => ApiV3Key.From(SecureText.FromPlainText(text), "-ApiV3Key");

    [Fact]
    public void The_cipher_gives_the_gcm_specification_known_answer()
    {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 14: AES-256, zero key, nonce and block.
        byte[] ciphertextAndTag = Convert.FromHexString("CEA7403D4D606B6E074EC5D3BAF39D18" + "D0D1C8A799996BF0265B98B5D48AB919");

        byte[] plaintext = AeadAesGcm.Decrypt(new byte[32], new byte[12], [], ciphertextAndTag);

        Assert.Equal(new byte[16], plaintext);
    }

    [Fact]
    public void A_wechat_pay_field_decrypts_with_its_nonce_and_associated_data()
    {
        Assert.Equal(VectorPlaintext, Key().DecryptText(VectorNonce, "certificate", VectorCiphertext));
    }

    [Fact]
    public void What_the_runtime_encrypts_with_associated_data_decrypts()
    {
        byte[] key = Encoding.UTF8.GetBytes(TestOnlyKey);
        byte[] nonce = Encoding.UTF8.GetBytes("abcdefghijkl");
        byte[] plaintext = Encoding.UTF8.GetBytes("{\"openid\":\"oUser\",\"service_id\":\"500001\",\"说明\":\"中文\"}");
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, "payscore"u8);
        }

        Assert.Equal(plaintext, Key().Decrypt("abcdefghijkl", "payscore", Convert.ToBase64String([.. ciphertext, .. tag])));
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("associated data")]
    [InlineData("nonce")]
    [InlineData("key")]
    public void A_changed_part_or_another_key_fails_verification(string changed)
    {
        byte[] data = Convert.FromBase64String(VectorCiphertext);
        string nonce = VectorNonce, associatedData = "certificate", key = TestOnlyKey;
        switch (changed)
        {
            case "ciphertext": data[3] ^= 1; break;
            case "tag": data[^1] ^= 0x80; break;
            case "associated data": associatedData = "certificatf"; break;
            case "nonce": nonce = "v1Nonce12346"; break;
            case "key": key = "TestOnlyApiV3Key0123456789abcdeF"; break;
        }

        var ex = Assert.Throws<CryptographicException>(() => Key(key).Decrypt(nonce, associatedData, Convert.ToBase64String(data)));
        Assert.Contains("tag does not verify", ex.Message);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")] // shorter than the tag
    public void A_ciphertext_that_is_not_one_is_refused(string ciphertext)
    {
        Assert.Throws<CryptographicException>(() => Key().Decrypt(VectorNonce, "certificate", ciphertext));
    }

    [Fact]
    public void A_nonce_of_another_length_is_refused()
    {
        Assert.Throws<CryptographicException>(() => Key().Decrypt("short", "certificate", VectorCiphertext));
    }

    [Theory]
    [InlineData("TestOnlyApiV3Key0123456789abcde")] // 31
    [InlineData("TestOnlyApiV3Key0123456789abcdef0")] // 33
    [InlineData("TestOnlyApiV3Key0123456789abcd密")] // 32 characters, 34 UTF-8 bytes
    public void A_key_that_is_not_32_bytes_stops_with_its_length_and_never_its_text(string text)
    {
        var ex = Assert.Throws<PayscoreException>(() => Key(text));

        Assert.Equal(ErrorIds.ApiV3KeyInvalid, ex.ErrorId);
        Assert.Contains($"has {Encoding.UTF8.GetByteCount(text)} bytes", ex.Message);
        Assert.Contains("-ApiV3Key", ex.Message);
        Assert.DoesNotContain("0123456789", ex.Message);
        Assert.DoesNotContain("TestOnly", ex.ToString());
    }

    [Fact]
    public void The_key_object_never_shows_its_text()
    {
        Assert.DoesNotContain("TestOnly", Key().ToString());
    }

    [Fact]
    public void The_environment_gives_the_key_below_the_command_and_the_resolver_checks_it()
    {
        ClientSettings environment = EnvironmentSettings.Read(name => name == EnvironmentVariables.ApiV3Key ? "too short" : null);
        ClientSettings command = new ClientSettings().WithApiV3Key(SecureText.FromPlainText(TestOnlyKey), "-ApiV3Key");

        ClientSettings fromEnvironment = SettingsMerge.Merge(new ClientSettings(), null, environment);
        Assert.Equal(EnvironmentVariables.ApiV3Key, fromEnvironment.Origin(nameof(ClientSettings.ApiV3Key)));
        ClientSettings merged = SettingsMerge.Merge(command, null, environment);
        Assert.Equal("-ApiV3Key", merged.Origin(nameof(ClientSettings.ApiV3Key)));
        Assert.Equal(TestOnlyKey, SecureText.Reveal(merged.ApiV3Key!));

        var ex = Assert.Throws<PayscoreException>(() => ApiV3Key.From(fromEnvironment.ApiV3Key!, fromEnvironment.Origin(nameof(ClientSettings.ApiV3Key))));
        Assert.Contains(EnvironmentVariables.ApiV3Key, ex.Message);
        Assert.DoesNotContain("too short", ex.Message);
    }
}
