using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class RequestSignerTests
{
    private const string Path = "/v3/payscore/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/permissions/500001/terminate";
    private const string Nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"appid\":\"wxd678efh567hg6787\",\"reason\":\"用户申请解除\"}");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1554208460);

    private static RequestSigner Signer(RSA key) =>
        new RequestSigner("1900009191", TestKeys.CertificateSerial, key, () => At, () => Nonce);

    [Fact]
    public void Message_is_five_lines_each_ending_in_newline_with_the_body_bytes_verbatim()
    {
        byte[] message = RequestSigner.BuildMessage("POST", Path, 1554208460, Nonce, Body);

        byte[] expected = File.ReadAllBytes(TestKeys.Path_("known-answer-message.txt"));
        Assert.Equal(expected, message);
    }

    [Theory]
    [InlineData("test-only-merchant-key.pkcs8.pem")]
    [InlineData("test-only-merchant-key.pkcs1.pem")]
    public void Signature_matches_the_known_answer_made_by_openssl(string keyFile)
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Path_(keyFile));

        SignedRequest signed = Signer(key).Sign("POST", Path, Body);

        string expected = File.ReadAllText(TestKeys.Path_("known-answer-signature.b64")).Trim();
        Assert.Contains($"signature=\"{expected}\"", signed.Authorization);
    }

    [Fact]
    public void Authorization_header_has_the_scheme_and_five_quoted_parameters_without_spaces()
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);

        string header = Signer(key).Sign("POST", Path, Body).Authorization;

        Assert.StartsWith("WECHATPAY2-SHA256-RSA2048 ", header);
        string parameters = header.Substring("WECHATPAY2-SHA256-RSA2048 ".Length);
        Assert.DoesNotContain(" ", parameters);
        var pairs = parameters.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(new[] { "mchid", "nonce_str", "serial_no", "signature", "timestamp" }, pairs.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("\"1900009191\"", pairs["mchid"]);
        Assert.Equal($"\"{Nonce}\"", pairs["nonce_str"]);
        Assert.Equal("\"1554208460\"", pairs["timestamp"]);
        Assert.Equal($"\"{TestKeys.CertificateSerial}\"", pairs["serial_no"]);
    }

    [Fact]
    public void Signature_verifies_with_the_platform_verifier_and_the_certificate_public_key()
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);
        SignedRequest signed = Signer(key).Sign("POST", Path, Body);
        string signature = Between(signed.Authorization, "signature=\"", "\"");

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(TestKeys.CertificatePath));
        using RSA publicKey = certificate.GetRSAPublicKey()!;
        byte[] message = Encoding.UTF8.GetBytes($"POST\n{Path}\n1554208460\n{Nonce}\n").Concat(Body).Append((byte)'\n').ToArray();
        Assert.True(publicKey.VerifyData(message, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Signature_of_a_fresh_request_verifies_with_openssl()
    {
        Assert.True(OpenSsl.Available, "openssl must be on PATH: it is the independent verifier of this test.");

        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);
        var signer = new RequestSigner("1900009191", TestKeys.CertificateSerial, key);
        SignedRequest signed = signer.Sign("POST", Path, Body);
        string signature = Between(signed.Authorization, "signature=\"", "\"");
        byte[] message = RequestSigner.BuildMessage("POST", Path, signed.Timestamp, signed.Nonce, Body);

        Assert.True(OpenSsl.Verify(TestKeys.PublicKeyPath, message, Convert.FromBase64String(signature)));
        message[^2] ^= 1;
        Assert.False(OpenSsl.Verify(TestKeys.PublicKeyPath, message, Convert.FromBase64String(signature)));
    }

    [Fact]
    public void Every_signature_gets_its_own_nonce_of_32_uppercase_alphanumerics()
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);
        var signer = new RequestSigner("1900009191", TestKeys.CertificateSerial, key);

        var nonces = Enumerable.Range(0, 50).Select(_ => signer.Sign("POST", Path, Body).Nonce).ToList();

        Assert.Equal(50, nonces.Distinct().Count());
        Assert.All(nonces, n => Assert.Matches("^[0-9A-Z]{32}$", n));
    }

    [Fact]
    public void Timestamp_is_unix_seconds_of_ten_digits()
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);
        var signer = new RequestSigner("1900009191", TestKeys.CertificateSerial, key);

        SignedRequest signed = signer.Sign("POST", Path, Body);

        Assert.Matches("^[0-9]{10}$", signed.Timestamp.ToString());
        Assert.InRange(signed.Timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    [Fact]
    public void Redact_hides_the_signature_and_keeps_the_rest()
    {
        using RSA key = MerchantPrivateKeyLoader.LoadFromFile(TestKeys.Pkcs8KeyPath);
        SignedRequest signed = Signer(key).Sign("POST", Path, Body);
        string signature = Between(signed.Authorization, "signature=\"", "\"");

        string redacted = RequestSigner.Redact(signed.Authorization);

        Assert.DoesNotContain(signature, redacted);
        Assert.Contains("signature=\"<redacted>\"", redacted);
        Assert.Contains("mchid=\"1900009191\"", redacted);
    }

    internal static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text.Substring(from, text.IndexOf(end, from, StringComparison.Ordinal) - from);
    }
}

/// <summary>openssl as an independent verifier of the module's signatures.</summary>
internal static class OpenSsl
{
    public static bool Available { get; } = Probe();

    public static bool Verify(string publicKeyPath, byte[] message, byte[] signature)
    {
        string dir = Directory.CreateTempSubdirectory("wxsig").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "m"), message);
            File.WriteAllBytes(Path.Combine(dir, "s"), signature);
            using var process = Process.Start(new ProcessStartInfo("openssl", $"dgst -sha256 -verify \"{publicKeyPath}\" -signature \"{Path.Combine(dir, "s")}\" \"{Path.Combine(dir, "m")}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.WaitForExit(30_000);
            return process.ExitCode == 0;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static bool Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("openssl", "version") { RedirectStandardOutput = true })!;
            process.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
