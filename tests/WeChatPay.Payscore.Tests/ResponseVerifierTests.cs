using System.Security.Cryptography;
using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public sealed class ResponseVerifierTests : IDisposable
{
    private const string PublicKeyId = "PUB_KEY_ID_0114232134912410000000000000000001";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly RSA _wechatpayKey = RSA.Create(2048);
    private readonly RSA _verifyingKey;
    private readonly WechatpayKeyStore _store = new();
    private readonly ResponseVerifier _verifier;

    public ResponseVerifierTests()
    {
        _verifyingKey = RSA.Create(_wechatpayKey.ExportParameters(false));
        _store.AddPublicKey(PublicKeyId, _verifyingKey);
        _verifier = new ResponseVerifier(_store, () => Now);
    }

    public void Dispose()
    {
        _verifyingKey.Dispose();
        _wechatpayKey.Dispose();
    }

    /// <summary>Signs like WeChat Pay does, with the platform's own code.</summary>
    private string Sign(string timestamp, string nonce, byte[] body, RSA? key = null) =>
        Convert.ToBase64String((key ?? _wechatpayKey).SignData(
            Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n").Concat(body).Append((byte)'\n').ToArray(),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1));

    private static string Ts(int offsetSeconds = 0) => (Now.ToUnixTimeSeconds() + offsetSeconds).ToString();

    [Fact]
    public void A_204_is_verified_over_an_empty_body()
    {
        string signature = Sign(Ts(), "NONCE1", []);

        var result = _verifier.Verify(Ts(), "NONCE1", signature, PublicKeyId, []);

        Assert.Equal(VerificationStatus.Verified, result.Status);
    }

    [Fact]
    public void A_json_body_is_verified_over_its_exact_bytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"code\":\"PARAM_ERROR\",\"message\":\"参数错误\"}");
        string signature = Sign(Ts(), "NONCE2", body);

        Assert.True(_verifier.Verify(Ts(), "NONCE2", signature, PublicKeyId, body).IsVerified);
        byte[] tampered = (byte[])body.Clone();
        tampered[10] ^= 0x20;
        Assert.Equal(VerificationStatus.BadSignature, _verifier.Verify(Ts(), "NONCE2", signature, PublicKeyId, tampered).Status);
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("nonce")]
    public void Changing_a_signed_header_breaks_the_signature(string which)
    {
        string signature = Sign(Ts(), "NONCE3", []);

        var result = which == "timestamp"
            ? _verifier.Verify(Ts(1), "NONCE3", signature, PublicKeyId, [])
            : _verifier.Verify(Ts(), "NONCE4", signature, PublicKeyId, []);

        Assert.Equal(VerificationStatus.BadSignature, result.Status);
    }

    [Theory]
    [InlineData(-301, nameof(VerificationStatus.StaleTimestamp))]
    [InlineData(301, nameof(VerificationStatus.StaleTimestamp))]
    [InlineData(-300, nameof(VerificationStatus.Verified))]
    [InlineData(299, nameof(VerificationStatus.Verified))]
    public void Timestamps_more_than_300_seconds_away_are_stale(int offset, string expectedStatus)
    {
        var expected = Enum.Parse<VerificationStatus>(expectedStatus);
        string signature = Sign(Ts(offset), "NONCE5", []);

        Assert.Equal(expected, _verifier.Verify(Ts(offset), "NONCE5", signature, PublicKeyId, []).Status);
    }

    [Fact]
    public void A_signature_probe_never_verifies_even_with_a_known_serial()
    {
        var result = _verifier.Verify(Ts(), "NONCE6", "WECHATPAY/SIGNTEST/" + Sign(Ts(), "NONCE6", []), PublicKeyId, []);

        Assert.Equal(VerificationStatus.SignatureProbe, result.Status);
        Assert.False(result.IsVerified);
    }

    [Fact]
    public void An_unknown_serial_fails_even_when_the_signature_is_good_for_its_own_key()
    {
        using RSA other = RSA.Create(2048);
        string signature = Sign(Ts(), "NONCE7", [], other);

        var result = _verifier.Verify(Ts(), "NONCE7", signature, "PUB_KEY_ID_SOMEBODY_ELSE", []);

        Assert.Equal(VerificationStatus.UnknownSerial, result.Status);
        Assert.Contains("PUB_KEY_ID_SOMEBODY_ELSE", result.Message);
    }

    [Fact]
    public void A_signature_by_another_key_under_the_known_serial_fails()
    {
        using RSA forger = RSA.Create(2048);

        var result = _verifier.Verify(Ts(), "NONCE8", Sign(Ts(), "NONCE8", [], forger), PublicKeyId, []);

        Assert.Equal(VerificationStatus.BadSignature, result.Status);
    }

    [Theory]
    [InlineData(null, "N", "S", PublicKeyId)]
    [InlineData("1700000000", null, "S", PublicKeyId)]
    [InlineData("1700000000", "N", null, PublicKeyId)]
    [InlineData("1700000000", "N", "S", null)]
    [InlineData("", "", "", "")]
    public void Missing_signature_headers_are_unverified(string? ts, string? nonce, string? signature, string? serial)
    {
        Assert.Equal(VerificationStatus.MissingHeaders, _verifier.Verify(ts, nonce, signature, serial, []).Status);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("AAAA")]
    public void Garbage_signatures_are_bad_not_exceptions(string signature)
    {
        Assert.Equal(VerificationStatus.BadSignature, _verifier.Verify(Ts(), "N", signature, PublicKeyId, []).Status);
    }

    [Fact]
    public void A_non_numeric_timestamp_is_refused()
    {
        Assert.Equal(VerificationStatus.BadSignature, _verifier.Verify("17e8", "N", Sign("17e8", "N", []), PublicKeyId, []).Status);
    }

    [Fact]
    public void Platform_certificate_and_public_key_verify_side_by_side()
    {
        using RSA platform = RSA.Create(2048);
        _store.AddPlatformCertificate("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", RSA.Create(platform.ExportParameters(false)));

        Assert.True(_verifier.Verify(Ts(), "A", Sign(Ts(), "A", []), PublicKeyId, []).IsVerified);
        Assert.True(_verifier.Verify(Ts(), "B", Sign(Ts(), "B", [], platform), "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", []).IsVerified);
        // Each answer must be verified with the key its serial names, not with any key that happens to fit.
        Assert.False(_verifier.Verify(Ts(), "C", Sign(Ts(), "C", [], platform), PublicKeyId, []).IsVerified);
    }
}
