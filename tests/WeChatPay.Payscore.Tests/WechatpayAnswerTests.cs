using System.Net;
using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The one classifier of WeChat Pay's answers, on its own.</summary>
public sealed class WechatpayAnswerTests
{
    private static WechatpayResponse Answer(int status, string body = "", VerificationStatus verification = VerificationStatus.Verified) =>
        WechatpayResponse.Answer((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), false, "application/json", "req", null, new VerificationResult(verification, "why"));

    private static string Error(string code, string message = "msg") => $"{{\"code\":\"{code}\",\"message\":\"{message}\"}}";

    [Theory]
    [InlineData(204, "", "Verified", 204, "Success", "OK")]
    [InlineData(200, "{}", "Verified", 204, "Unexpected", "UNEXPECTED_RESPONSE")]
    [InlineData(204, "", "MissingHeaders", 204, "Untrusted", "RESPONSE_UNVERIFIED")]
    [InlineData(204, "", "SignatureProbe", 204, "Untrusted", "SIGNATURE_PROBE")]
    [InlineData(400, "{\"code\":\"PARAM_ERROR\",\"message\":\"m\"}", "Verified", 204, "Refused", "PARAM_ERROR")]
    [InlineData(403, "{\"code\":\"NO_AUTH\",\"message\":\"m\"}", "MissingHeaders", 204, "Refused", "NO_AUTH")]
    [InlineData(403, "{\"code\":\"NO_AUTH\",\"message\":\"m\"}", "BadSignature", 204, "Untrusted", "RESPONSE_UNVERIFIED")]
    [InlineData(500, "<html>", "MissingHeaders", 204, "Unexpected", "UNEXPECTED_RESPONSE")]
    public void Each_answer_has_one_kind_and_code(int status, string body, string verification, int expected, string kind, string code)
    {
        WechatpayAnswer answer = WechatpayAnswer.Of(Answer(status, body, Enum.Parse<VerificationStatus>(verification)), expected);

        Assert.Equal((kind, code), (answer.Kind.ToString(), answer.Code));
    }

    [Fact]
    public void An_unsigned_refusal_is_never_verified_and_says_so()
    {
        WechatpayAnswer answer = WechatpayAnswer.Of(Answer(403, Error("NO_AUTH", "请检查服务授权状态"), VerificationStatus.MissingHeaders), 204);

        Assert.True(answer.IsUnsigned);
        Assert.False(answer.Response.Verification.IsVerified);
        Assert.Contains("请检查服务授权状态", answer.Message);
        Assert.Contains("unsigned", answer.Message);
        Assert.False(answer.MayHaveLanded);
    }

    [Theory]
    [InlineData("FREQUENCY_LIMITED")]
    [InlineData("RATELIMIT_EXCEED")]
    [InlineData("SOMETHING_ELSE")]
    public void Any_429_is_a_rate_limit(string code)
    {
        Assert.True(WechatpayAnswer.Of(Answer(429, Error(code)), 204).IsRateLimit);
        Assert.True(RetryPolicy.IsRateLimited(Answer(429, Error(code))));
        Assert.False(WechatpayAnswer.Of(Answer(400, Error(code)), 204).IsRateLimit);
    }

    [Fact]
    public void A_500_on_every_attempt_names_a_mismatched_appid_and_openid_as_one_known_cause()
    {
        WechatpayResponse response = Answer(500, Error("SYSTEM_ERROR", "系统繁忙,请稍后重试"));

        Assert.DoesNotContain("appid and openid", WechatpayAnswer.Of(response, 200, attempts: 1).Message);
        string repeated = WechatpayAnswer.Of(response, 200, attempts: 4).Message;
        Assert.Contains("系统繁忙,请稍后重试", repeated);
        Assert.Contains("4 attempts", repeated);
        Assert.Contains("an appid and openid that do not belong together", repeated);
    }

    [Theory]
    [InlineData("RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。可查看指引https://pay.weixin.qq.com/docs/merchant/products/platform-certificate/wxp-pub-key-guide.html")]
    [InlineData("RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。可查看指引https://pay.weixin.qq.com/doc/v3/merchant/4012153196")]
    [InlineData("RESOURCE_NOT_EXISTS", "证书不存在")]
    [InlineData("NOT_FOUND", "证书不存在")]
    [InlineData("NOT_FOUND", "")]
    [InlineData("SOMETHING", "证书不存在")]
    public void Every_known_form_of_the_public_key_only_404_is_recognised(string code, string message)
    {
        Assert.True(WechatpayAnswer.Of(Answer(404, Error(code, message)), 200).MeansPublicKeyOnly);
        Assert.True(WechatpayAnswer.Of(Answer(404, Error(code, message), VerificationStatus.UnknownSerial), 200).MeansPublicKeyOnly);
        Assert.False(WechatpayAnswer.Of(Answer(400, Error(code, message)), 200).MeansPublicKeyOnly);
    }

    [Theory]
    [InlineData(400, "INVALID_REQUEST", true)]
    [InlineData(403, "NO_AUTH", true)]
    [InlineData(400, "NO_AUTH", false)]
    [InlineData(400, "PARAM_ERROR", false)]
    public void Only_the_refusals_that_may_mean_already_ended_ask_the_query(int status, string code, bool asks)
    {
        Assert.Equal(asks, WechatpayAnswer.Of(Answer(status, Error(code)), 204).MayMeanAlreadyEnded);
    }

    [Fact]
    public void A_failed_tls_handshake_or_a_refused_connection_was_never_sent_and_a_broken_one_may_have_landed()
    {
        Assert.Equal(AnswerKind.NotSent, WechatpayAnswer.Of(WechatpayResponse.TransportError(TransportFailure.ConnectFailed, "x"), 204).Kind);
        Assert.False(WechatpayAnswer.Of(WechatpayResponse.TransportError(TransportFailure.ConnectFailed, "x"), 204).MayHaveLanded);
        Assert.True(WechatpayAnswer.Of(WechatpayResponse.TransportError(TransportFailure.Network, "x"), 204).MayHaveLanded);
        Assert.True(WechatpayAnswer.Of(WechatpayResponse.TransportError(TransportFailure.Timeout, "x"), 204).MayHaveLanded);
        Assert.True(WechatpayClient.NeverConnected(new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"))));
        Assert.True(WechatpayClient.NeverConnected(new WebException("trust", WebExceptionStatus.TrustFailure)));
    }
}
