using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>How user values appear in messages, in either language: short printable excerpts, and never key material.</summary>
public class UserTextTests
{
    [Fact]
    public void A_long_value_is_cut_to_64_characters_and_says_how_long_it_was()
    {
        string excerpt = UserText.Excerpt(new string('x', 100_000));

        Assert.Equal(new string('x', 64) + "…(100,000 characters)", excerpt);
    }

    [Fact]
    public void A_long_path_keeps_its_start_and_its_file_name()
    {
        string path = "/srv/payscore/" + new string('d', 200) + "/run-2026-12-01.jsonl";

        string excerpt = UserText.ExcerptPath(path);

        Assert.StartsWith("/srv/payscore/", excerpt);
        Assert.EndsWith("/run-2026-12-01.jsonl(" + path.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " characters)", excerpt);
        Assert.True(excerpt.Length < 130, excerpt);
        Assert.Equal("/srv/payscore/run.jsonl", UserText.ExcerptPath("/srv/payscore/run.jsonl"));
    }

    [Fact]
    public void A_short_value_is_quoted_whole()
    {
        Assert.Equal("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", UserText.Excerpt("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"));
        Assert.Equal(string.Empty, UserText.Excerpt(null));
    }

    [Theory]
    [InlineData("a\u200Bb", "a<U+200B>b")]
    [InlineData("\uFEFFopenid", "<U+FEFF>openid")]
    [InlineData("x\r\ny", "x<U+000D><U+000A>y")]
    [InlineData("\u202Eevil", "<U+202E>evil")]
    [InlineData("\uFFFF", "<U+FFFF>")]
    [InlineData("用户😀", "用户😀")]
    public void Invisible_characters_are_named_and_visible_ones_kept(string value, string expected)
    {
        Assert.Equal(expected, UserText.Excerpt(value));
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        string value = new string('a', 63) + "😀😀" + new string('b', 10);

        string excerpt = UserText.Excerpt(value);

        Assert.StartsWith(new string('a', 63) + "😀…(", excerpt);
        Assert.Equal(2, excerpt.Count(char.IsSurrogate));
    }

    [Fact]
    public void Key_material_is_never_quoted_only_its_length()
    {
        using RSA rsa = RSA.Create(2048);
        string pem = rsa.ExportPkcs8PrivateKeyPem();
        string p12 = Convert.ToBase64String(Pkcs12Of(rsa));

        Assert.Equal($"<{pem.Length:N0} characters that look like key material, not shown>", UserText.Excerpt(pem));
        Assert.Equal($"<{p12.Length:N0} characters that look like key material, not shown>", UserText.Excerpt(p12));
        Assert.DoesNotContain("MII", UserText.Excerpt(pem.Substring(0, 200)));
    }

    [Fact]
    public void In_Chinese_the_same_rules_hold_and_only_the_words_around_the_excerpt_change()
    {
        using RSA rsa = RSA.Create(2048);
        string pem = rsa.ExportPkcs8PrivateKeyPem();
        string path = "/srv/payscore/" + new string('d', 200) + "/运行日志.jsonl";
        using var language = TestLanguage.Use("zh-CN");

        Assert.Equal(new string('x', 64) + "…（共 100,000 个字符）", UserText.Excerpt(new string('x', 100_000)));
        Assert.Equal($"<{pem.Length:N0} 个看似密钥材料的字符，不予显示>", UserText.Excerpt(pem));
        Assert.DoesNotContain("MII", UserText.Excerpt(pem.Substring(0, 200)));
        Assert.EndsWith($"/运行日志.jsonl（共 {path.Length:N0} 个字符）", UserText.ExcerptPath(path));
        Assert.Equal("a<U+200B>b<U+202E>", UserText.Excerpt("a\u200Bb\u202E"));
        Assert.StartsWith(new string('a', 63) + "😀…（", UserText.Excerpt(new string('a', 63) + "😀😀" + new string('b', 10)));
    }

    [Fact]
    public void Pem_text_and_base64_of_a_pkcs12_file_look_like_key_material()
    {
        using RSA rsa = RSA.Create(2048);

        Assert.True(UserText.LooksLikeKeyMaterial(rsa.ExportPkcs8PrivateKeyPem()));
        Assert.True(UserText.LooksLikeKeyMaterial(rsa.ExportRSAPrivateKeyPem()));
        Assert.True(UserText.LooksLikeKeyMaterial(rsa.ExportSubjectPublicKeyInfoPem()));
        Assert.True(UserText.LooksLikeKeyMaterial(Convert.ToBase64String(Pkcs12Of(rsa))));
        Assert.True(UserText.LooksLikeKeyMaterial(Convert.ToBase64String(Pkcs12Of(rsa), Base64FormattingOptions.InsertLineBreaks)));

        // The PEM body alone, without its armour lines, and PEM with its line breaks written as \n.
        string body = string.Concat(rsa.ExportPkcs8PrivateKeyPem().Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        Assert.True(UserText.LooksLikeKeyMaterial(body));
        Assert.True(UserText.LooksLikeKeyMaterial(rsa.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n")));
    }

    [Theory]
    [InlineData(@"C:\keys\merchant private key.pem")]
    [InlineData(@"C:\Users\runbook\AppData\Local\Temp\apiclient_key.pem")]
    [InlineData("/var/lib/docker/overlay2/3f4e5d6c7b8a91b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b/merged/apiclient_key.pem")]
    [InlineData("/nix/store/0c8m5l6y4w7x2v9z1q3r5t7u9w1y3a5c-wxpay-keys/apiclient_cert.p12")]
    [InlineData(@"\\fileserver\share\WeChatPay\1900009191_20240101_cert\apiclient_cert.p12")]
    [InlineData("./keys/2024-01-01T00-00-00Z/pub_key.pem")]
    [InlineData("journal-4f6a8f7e-8c2b-4a5d-9e1f-0b2c3d4e5f60.jsonl")]
    [InlineData("")]
    [InlineData(null)]
    public void Paths_do_not_look_like_key_material(string? path)
    {
        Assert.False(UserText.LooksLikeKeyMaterial(path));
    }

    [Fact]
    public void A_long_run_of_one_kind_of_character_is_not_key_material()
    {
        Assert.False(UserText.LooksLikeKeyMaterial(new string('a', 100_000)));
        Assert.False(UserText.LooksLikeKeyMaterial(new string('7', 100_000)));
        Assert.False(UserText.LooksLikeKeyMaterial(string.Concat(Enumerable.Repeat("deadbeef0123", 20))));
    }

    internal static byte[] Pkcs12Of(RSA rsa)
    {
        var request = new CertificateRequest("CN=throwaway", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.Export(X509ContentType.Pkcs12, "1900009191");
    }
}
