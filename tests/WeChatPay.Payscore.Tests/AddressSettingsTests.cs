using WeChatPay.Payscore.Configuration;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The checks of the base URIs and the proxy: what each refuses, and that the message says exactly why.</summary>
public class AddressSettingsTests
{
    [Theory]
    [InlineData("https://api.mch.weixin.qq.com/?x=1", "has a query;")]
    [InlineData("https://api.mch.weixin.qq.com/v3", "has a path;")]
    [InlineData("https://alice@api.mch.weixin.qq.com", "has user info;")]
    [InlineData("https://api.mch.weixin.qq.com/#top", "has a fragment;")]
    [InlineData("https://alice:pw@api.mch.weixin.qq.com/v3?x=1#top", "has user info, a path, a query and a fragment;")]
    public void A_base_uri_with_more_than_scheme_host_and_port_is_refused_saying_exactly_what_it_has(string text, string what)
    {
        var ex = Assert.Throws<PayscoreException>(() => AddressSettings.CheckBaseUri(text, "-BaseUri"));

        Assert.Equal(ErrorIds.BaseUriInvalid, ex.ErrorId);
        Assert.Contains(what, ex.Message);
        Assert.StartsWith("The base URI https://api.mch.weixin.qq.com <", ex.Message);
    }

    [Theory]
    [InlineData("https://api.mch.weixin.qq.com")]
    [InlineData("https://api.mch.weixin.qq.com/")]
    [InlineData("https://api.mch.weixin.qq.com:443/")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080/")]
    public void A_base_uri_of_scheme_host_and_port_is_taken(string text)
    {
        Uri? uri = AddressSettings.CheckBaseUri(text, "-BaseUri");

        Assert.NotNull(uri);
        Assert.Equal("/", uri!.AbsolutePath);
    }

    [Fact]
    public void Text_that_is_no_address_is_named_for_what_it_is_and_quoted_only_when_it_cannot_hold_a_password()
    {
        var noScheme = Assert.Throws<PayscoreException>(() => AddressSettings.CheckBaseUri("api.mch.weixin.qq.com", "WXPAY_BASE_URI"));
        var userAndPassword = Assert.Throws<PayscoreException>(() => AddressSettings.CheckBaseUri("alice:pw4711@api.mch.weixin.qq.com", "-BaseUri"));
        var broken = Assert.Throws<PayscoreException>(() => AddressSettings.CheckBaseUri("https://alice:pw4711@[api", "-BaseUri"));

        Assert.Equal("The base URI 'api.mch.weixin.qq.com' (WXPAY_BASE_URI) is not an absolute https:// address. Use https://api.mch.weixin.qq.com.", noScheme.Message);
        Assert.StartsWith("The base URI <34 characters not shown, as they may hold a password> (-BaseUri) is not an absolute https:// address.", userAndPassword.Message);
        Assert.StartsWith("The base URI https://<17 characters not shown, as they may hold a password> (-BaseUri) is not an absolute https:// address.", broken.Message);
        Assert.All(new[] { noScheme, userAndPassword, broken }, ex => Assert.Equal(ErrorIds.BaseUriInvalid, ex.ErrorId));
    }

    [Theory]
    [InlineData("http://proxy.corp.example:8080/?token=t0k3n", "has a query;")]
    [InlineData("http://proxy.corp.example:8080/pac", "has a path;")]
    [InlineData("http://proxy.corp.example:8080/#t0k3n", "has a fragment;")]
    [InlineData("http://bob:t0k3n@proxy.corp.example:8080", "has user info; give only scheme, host and port, and the user name and password with -ProxyCredential")]
    public void A_proxy_with_more_than_scheme_host_and_port_is_refused_saying_exactly_what_it_has(string text, string what)
    {
        var ex = Assert.Throws<PayscoreException>(() => AddressSettings.CheckProxy(text));

        Assert.Equal(ErrorIds.ProxyInvalid, ex.ErrorId);
        Assert.StartsWith("-Proxy http://proxy.corp.example:8080 <", ex.Message);
        Assert.Contains(what, ex.Message);
        Assert.DoesNotContain("t0k3n", ex.Message);
    }

    [Fact]
    public void A_proxy_of_another_scheme_is_named_by_scheme_host_and_port()
    {
        var ex = Assert.Throws<PayscoreException>(() => AddressSettings.CheckProxy("socks5://bob:t0k3n@proxy.corp.example:1080"));

        Assert.Equal(ErrorIds.ProxyInvalid, ex.ErrorId);
        Assert.StartsWith("-Proxy socks5://proxy.corp.example:1080 <user info removed> is not an http:// or https:// proxy address", ex.Message);
    }
}
