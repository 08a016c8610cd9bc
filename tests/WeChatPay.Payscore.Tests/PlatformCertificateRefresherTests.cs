using System.Security.Cryptography;
using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The rotation's download on an unknown serial: one at a time, at most one a minute, by an injected clock.</summary>
public sealed class PlatformCertificateRefresherTests : IDisposable
{
    private const string Trusted = "1111111111111111111111111111111111111111";
    private const string Rotated = "2222222222222222222222222222222222222222";

    private readonly RSA _trustedKey = RSA.Create(2048);
    private readonly RSA _rotatedKey = RSA.Create(2048);
    private readonly WechatpayKeyStore _keys = new();
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private int _downloads;

    public PlatformCertificateRefresherTests() => _keys.AddPlatformCertificate(Trusted, _trustedKey);

    public void Dispose()
    {
        _trustedKey.Dispose();
        _rotatedKey.Dispose();
    }

    private PlatformCertificateDownload Listing(params string[] serials)
    {
        var certificates = serials.Select(s => new PlatformCertificate(s, _now.AddDays(-1), _now.AddYears(5), new string('0', 64), string.Empty)).ToList();
        var keys = serials.ToDictionary(s => s, s => s == Rotated ? _rotatedKey : _trustedKey);
        return new PlatformCertificateDownload(certificates, keys, Trusted, trustedOnFirstUse: false);
    }

    private PlatformCertificateRefresher Refresher(Func<Task<PlatformCertificateDownload>> download) =>
        new((_, _) =>
        {
            Interlocked.Increment(ref _downloads);
            return download();
        }, _keys, new ResponseVerifier(_keys, () => _now), () => _now);

    [Fact]
    public async Task Rows_that_meet_the_new_serial_while_it_is_downloaded_wait_for_the_same_download()
    {
        var release = new TaskCompletionSource<PlatformCertificateDownload>(TaskCreationOptions.RunContinuationsAsynchronously);
        PlatformCertificateRefresher refresher = Refresher(() => release.Task);

        Task<string>[] rows = Enumerable.Range(0, 8).Select(_ => Task.Run(() => refresher.RefreshForAsync(Rotated, null, CancellationToken.None))).ToArray();
        await Task.Delay(50); // lets every row reach the refresher; the assertion does not depend on it
        Assert.All(rows, r => Assert.False(r.IsCompleted));
        release.SetResult(Listing(Rotated, Trusted));
        await Task.WhenAll(rows);

        Assert.Equal(1, _downloads);
        Assert.True(_keys.Contains(Rotated));
    }

    [Fact]
    public async Task A_serial_known_by_now_needs_no_download()
    {
        PlatformCertificateRefresher refresher = Refresher(() => Task.FromResult(Listing(Trusted)));

        await refresher.RefreshForAsync(Trusted, null, CancellationToken.None);

        Assert.Equal(0, _downloads);
    }

    [Fact]
    public async Task At_most_one_download_starts_a_minute()
    {
        PlatformCertificateRefresher refresher = Refresher(() => Task.FromResult(Listing(Trusted)));

        await refresher.RefreshForAsync(Rotated, null, CancellationToken.None);
        _now = _now.AddSeconds(59);
        string refused = await refresher.RefreshForAsync(Rotated, null, CancellationToken.None);
        Assert.Equal(1, _downloads);
        Assert.Contains("at most once a minute", refused);

        _now = _now.AddSeconds(1);
        await refresher.RefreshForAsync(Rotated, null, CancellationToken.None);
        Assert.Equal(2, _downloads);
        Assert.False(_keys.Contains(Rotated));
    }

    [Fact]
    public async Task The_download_at_start_counts_for_the_minute()
    {
        PlatformCertificateRefresher refresher = Refresher(() => Task.FromResult(Listing(Trusted)));

        await refresher.LoadAsync(null, CancellationToken.None);
        _now = _now.AddSeconds(30);
        await refresher.RefreshForAsync(Rotated, null, CancellationToken.None);

        Assert.Equal(1, _downloads);
        Assert.Equal(1, refresher.Downloads);
    }

    [Fact]
    public async Task An_answer_by_the_new_certificate_verifies_after_the_download()
    {
        PlatformCertificateRefresher refresher = Refresher(() => Task.FromResult(Listing(Rotated, Trusted)));
        byte[] body = Encoding.UTF8.GetBytes("{\"authorization_state\":\"AVAILABLE\"}");
        string timestamp = _now.ToUnixTimeSeconds().ToString();
        string signature = Convert.ToBase64String(_rotatedKey.SignData(
            ResponseVerifier.BuildMessage(timestamp, "NONCE", body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var headers = new SignatureHeaders(timestamp, "NONCE", signature, Rotated);
        var verifier = new ResponseVerifier(_keys, () => _now);
        WechatpayResponse unknown = WechatpayResponse.Answer(
            System.Net.HttpStatusCode.OK, body, false, "application/json", "REQ", null, verifier.Verify(headers, body), signature: headers);
        Assert.Equal(VerificationStatus.UnknownSerial, unknown.Verification.Status);

        WechatpayResponse again = await refresher.VerifyAgainAsync(unknown, null, CancellationToken.None);

        Assert.Equal(VerificationStatus.Verified, again.Verification.Status);
        Assert.Equal(1, _downloads);
    }

    [Fact]
    public async Task A_failed_download_leaves_the_answer_unknown_and_says_why()
    {
        PlatformCertificateRefresher refresher = Refresher(() =>
            Task.FromException<PlatformCertificateDownload>(new PayscoreException(ErrorIds.PlatformCertificateUnverified, "bad list")));

        string outcome = await refresher.RefreshForAsync(Rotated, null, CancellationToken.None);

        Assert.Contains(ErrorIds.PlatformCertificateUnverified, outcome);
        Assert.False(_keys.Contains(Rotated));
    }
}
