using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class ErrorBodyTests
{
    [Fact]
    public void WeChat_error_json_gives_code_and_message()
    {
        var error = ErrorBody.TryParse(Encoding.UTF8.GetBytes("{\"code\":\"NO_AUTH\",\"message\":\"请检查服务授权状态\",\"detail\":[1,2]}"));

        Assert.NotNull(error);
        Assert.Equal("NO_AUTH", error!.Code);
        Assert.Equal("请检查服务授权状态", error.Message);
    }

    [Fact]
    public void Sign_error_detail_yields_the_truncated_sign_message()
    {
        var error = ErrorBody.TryParse(Encoding.UTF8.GetBytes(
            "{\"code\":\"SIGN_ERROR\",\"message\":\"签名错误\",\"detail\":{\"sign_information\":{\"truncated_sign_message\":\"POST\\n/v3/pay\"}}}"));

        Assert.Equal("POST\n/v3/pay", error!.TruncatedSignMessage);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("not json {{{")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"message\":\"no code\"}")]
    [InlineData("{\"code\":42}")]
    [InlineData("")]
    public void Bodies_that_are_not_wechat_errors_are_not_parsed(string body)
    {
        Assert.Null(ErrorBody.TryParse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Describe_gives_a_short_single_line_excerpt()
    {
        string html = "<html>\r\n<body>\n" + new string('x', 1000) + "</body></html>";

        string description = ErrorBody.Describe(Encoding.UTF8.GetBytes(html), "text/html");

        Assert.StartsWith("a text/html body of", description);
        Assert.DoesNotContain("\n", description);
        Assert.True(description.Length < 300);
    }
}
