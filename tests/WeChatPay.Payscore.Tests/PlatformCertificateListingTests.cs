using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The answer of GET /v3/certificates, read as leniently as WeChat Pay's own sample needs.</summary>
public class PlatformCertificateListingTests
{
    [Fact]
    public void WeChat_Pays_sample_with_a_trailing_space_in_a_name_is_read()
    {
        byte[] body = Encoding.UTF8.GetBytes("""
            {"data":[{"serial_no":"5157f09efdc096de15ebe81a47057a7232f1b8e1","effective_time ":"2018-06-08T10:34:56+08:00","expire_time":"2018-12-08T10:34:56+08:00",
            "encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","nonce":"61f9c719728a","associated_data":"certificate","ciphertext":"sRvt..."}}]}
            """);

        ListedCertificate entry = Assert.Single(PlatformCertificateListing.Parse(body));

        Assert.Equal("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", entry.SerialNumber);
        Assert.Equal(new DateTimeOffset(2018, 6, 8, 10, 34, 56, TimeSpan.FromHours(8)), entry.EffectiveTime);
        Assert.Equal(new DateTimeOffset(2018, 12, 8, 10, 34, 56, TimeSpan.FromHours(8)), entry.ExpireTime);
        Assert.Equal(("61f9c719728a", "certificate", "sRvt..."), (entry.Nonce, entry.AssociatedData, entry.Ciphertext));
    }

    [Theory]
    [InlineData("""{"data":[{"serial_no":"AB","effective_time":"2018-06-08T10:34:56+08:00","expire_time":"2018-12-08T10:34:56+08:00"}]}""", "encrypt_certificate")]
    [InlineData("""{"data":[{"serial_no":"AB","effective_time":"yesterday","expire_time":"2018-12-08T10:34:56+08:00","encrypt_certificate":{}}]}""", "effective_time")]
    [InlineData("""{"code":"X"}""", "data")]
    [InlineData("not json", "not JSON")]
    public void An_answer_that_is_not_a_certificate_list_says_what_is_wrong(string json, string named)
    {
        var ex = Assert.Throws<FormatException>(() => PlatformCertificateListing.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(named, ex.Message);
    }
}
