using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>How an address appears in a message: scheme, host and port, what was left out, and never a password.</summary>
public class UriTextTests
{
    [Theory]
    [InlineData("https://api.mch.weixin.qq.com", "https://api.mch.weixin.qq.com")]
    [InlineData("https://api.mch.weixin.qq.com/", "https://api.mch.weixin.qq.com")]
    [InlineData(" https://api.mch.weixin.qq.com:8443 ", "https://api.mch.weixin.qq.com:8443")]
    [InlineData("HTTP://127.0.0.1:9/", "http://127.0.0.1:9")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    [InlineData("https://alice:pw@api.mch.weixin.qq.com", "https://api.mch.weixin.qq.com <user info removed>")]
    [InlineData("https://alice@api.mch.weixin.qq.com", "https://api.mch.weixin.qq.com <user info removed>")]
    [InlineData("https://api.mch.weixin.qq.com/?sig=pw", "https://api.mch.weixin.qq.com <query removed>")]
    [InlineData("https://alice:pw@api.mch.weixin.qq.com/?sig=pw", "https://api.mch.weixin.qq.com <user info and query removed>")]
    [InlineData("https://alice:pw@api.mch.weixin.qq.com/v3/x?sig=pw#pw", "https://api.mch.weixin.qq.com <user info, path, query and fragment removed>")]
    [InlineData("socks5://bob:pw@proxy.corp.example:1080", "socks5://proxy.corp.example:1080 <user info removed>")]
    [InlineData("ftp://bob:pw@proxy.corp.example", "ftp://proxy.corp.example <user info removed>")]
    public void An_address_is_shown_as_scheme_host_and_port_with_what_was_removed(string text, string shown)
    {
        Assert.Equal(shown, UriText.Quote(text));
        Assert.Equal(shown, UriText.Quote(new Uri(text.Trim())));
    }

    [Theory]
    [InlineData("api.mch.weixin.qq.com", "'api.mch.weixin.qq.com'")]
    [InlineData("", "''")]
    [InlineData(null, "''")]
    [InlineData("bob:pw", "<6 characters not shown, as they may hold a password>")]
    [InlineData("bob:pw@proxy.corp.example:8080", "<30 characters not shown, as they may hold a password>")]
    [InlineData("mailto:bob:pw@corp.example", "<26 characters not shown, as they may hold a password>")]
    [InlineData("https://alice:pw@[api", "https://<13 characters not shown, as they may hold a password>")]
    [InlineData("https://alice:pw@api.mch.weixin.qq.com:99999", "https://<36 characters not shown, as they may hold a password>")]
    [InlineData("https://alice:pw@ho st", "https://<14 characters not shown, as they may hold a password>")]
    [InlineData("https:alice:pw@host", "<19 characters not shown, as they may hold a password>")]
    [InlineData("pw1234567890123456://a:b@[x", "<27 characters not shown, as they may hold a password>")]
    public void Text_that_is_no_address_is_quoted_only_when_no_password_can_hide_in_it(string? text, string shown)
    {
        Assert.Equal(shown, UriText.Quote(text));
    }

    [Theory]
    [InlineData("https://alice:13579/pw@api.mch.weixin.qq.com")]
    [InlineData("https://alice:13579?pw@api.mch.weixin.qq.com")]
    [InlineData("https://alice:13579#pw@api.mch.weixin.qq.com")]
    public void A_password_the_parser_took_for_a_port_is_not_shown_as_one(string text)
    {
        // Read as host "alice", port 13579 and the rest as path, query or fragment: the '@' after the host gives it away.
        Assert.Equal("https", UriText.Parse(text)!.Scheme);

        string shown = UriText.Quote(text);

        Assert.StartsWith("https://<", shown);
        Assert.DoesNotContain("13579", shown);
        Assert.DoesNotContain("alice", shown);
    }

    [Theory]
    [InlineData("https://api.mch.weixin.qq.com/", (int)(UriText.Extras.None))]
    [InlineData("https://api.mch.weixin.qq.com", (int)(UriText.Extras.None))]
    [InlineData("https://u@h/", (int)(UriText.Extras.UserInfo))]
    [InlineData("https://h/p", (int)(UriText.Extras.Path))]
    [InlineData("https://h/?q", (int)(UriText.Extras.Query))]
    [InlineData("https://h/#f", (int)(UriText.Extras.Fragment))]
    [InlineData("https://u:p@h/p?q#f", (int)(UriText.Extras.UserInfo | UriText.Extras.Path | UriText.Extras.Query | UriText.Extras.Fragment))]
    public void The_extras_of_an_address_are_what_it_has_besides_scheme_host_and_port(string text, int extras)
    {
        Assert.Equal((UriText.Extras)extras, UriText.ExtrasOf(new Uri(text)));
    }

    [Fact]
    public void The_extras_are_named_in_words()
    {
        Assert.Equal("a query", UriText.Describe(UriText.Extras.Query));
        Assert.Equal("user info and a path", UriText.Describe(UriText.Extras.UserInfo | UriText.Extras.Path));
        Assert.Equal("user info, a path, a query and a fragment", UriText.Describe(UriText.Extras.UserInfo | UriText.Extras.Path | UriText.Extras.Query | UriText.Extras.Fragment));
    }

    [Theory]
    [InlineData("bob:pw")]
    [InlineData("mailto:bob@corp.example")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\proxy.txt")]
    [InlineData("https:/host")]
    [InlineData("https://[bad")]
    public void Only_an_absolute_address_with_a_host_is_read_as_one(string text)
    {
        Assert.Null(UriText.Parse(text));
    }

    [Fact]
    public void A_long_host_is_cut_like_any_excerpt()
    {
        string host = new string('a', 200) + ".example";

        string shown = UriText.Quote($"https://u:pw@{host}/");

        Assert.StartsWith("https://aaaa", shown);
        Assert.Contains("characters)", shown);
        Assert.EndsWith("<user info removed>", shown);
        Assert.True(shown.Length < 120, shown);
    }
}
