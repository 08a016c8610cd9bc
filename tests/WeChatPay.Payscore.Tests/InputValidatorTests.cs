using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class InputValidatorTests
{
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    private const string ServiceId = "500001";
    private const string AppId = "wxd678efh567hg6787";
    private const string Reason = "用户申请解除";

    [Fact]
    public void A_typical_row_is_valid()
    {
        Assert.Empty(Problems(OpenId, ServiceId, AppId, Reason));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o-")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456")] // 127
    public void Valid_openids(string openId)
    {
        Assert.Empty(Problems(openId, ServiceId, AppId, Reason));
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData(" ", "a space")]
    [InlineData("o/../x", "'/'")]
    [InlineData("o.x", "'.'")]
    [InlineData("o%2Fx", "'%'")]
    [InlineData("o?x", "'?'")]
    [InlineData("o#x", "'#'")]
    [InlineData("o x", "a space")]
    [InlineData("o\r\nx", "control character U+000D")]
    [InlineData("o\tx", "control character U+0009")]
    [InlineData("用户", "U+7528")]
    [InlineData("o😀", "the character U+1F600 😀")]
    [InlineData("o\u3000x", "the space character U+3000;")]
    [InlineData("oe\u0301", "the combining character U+0301;")]
    [InlineData("ｗx", "the character U+FF57 ｗ;")]
    public void Invalid_openids_name_the_field_and_the_reason(string? openId, string why)
    {
        string problem = Assert.Single(Problems(openId, ServiceId, AppId, Reason));

        Assert.StartsWith("openid", problem);
        Assert.Contains(why, problem);
        Assert.DoesNotContain("\r", problem);
        Assert.DoesNotContain("\n", problem);
    }

    [Fact]
    public void Openid_of_129_characters_is_too_long_and_128_is_not()
    {
        Assert.Empty(Problems(new string('a', 128), ServiceId, AppId, Reason));
        string problem = Assert.Single(Problems(new string('a', 129), ServiceId, AppId, Reason));
        Assert.Equal("openid is 129 characters long (at most 128)", problem);
    }

    [Theory]
    [InlineData("service_id", "5000_01")]
    [InlineData("service_id", "5000-01")]
    [InlineData("service_id", "500 001")]
    [InlineData("service_id", "123456789012345678901234567890123")]
    [InlineData("service_id", "")]
    [InlineData("appid", "wx_123")]
    [InlineData("appid", "wx12345678901234567890123456789012")]
    [InlineData("appid", "ｗｘ123")]
    [InlineData("appid", null)]
    public void Service_id_and_appid_are_1_to_32_ascii_letters_or_digits(string field, string? value)
    {
        var problems = field == "service_id"
            ? Problems(OpenId, value, AppId, Reason)
            : Problems(OpenId, ServiceId, value, Reason);

        Assert.StartsWith(field, Assert.Single(problems));
    }

    [Theory]
    [InlineData("12345678901234567890123456789012")]
    [InlineData("A")]
    public void Service_id_of_32_letters_or_digits_is_valid(string serviceId)
    {
        Assert.Empty(Problems(OpenId, serviceId, AppId, Reason));
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("   ", "blank")]
    [InlineData("再见👋", "Basic Multilingual Plane")]
    [InlineData("line\nbreak", "control")]
    [InlineData("tab\there", "control")]
    [InlineData("sep\u2028arator", "line breaks")]
    [InlineData("123456789012345678901234567890123456789012345678901", "51 characters")]
    public void Invalid_reasons(string? reason, string why)
    {
        string problem = Assert.Single(Problems(OpenId, ServiceId, AppId, reason));

        Assert.StartsWith("reason", problem);
        Assert.Contains(why, problem);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\uFEFF")]
    [InlineData("\u202A\u202B\u202C\u202D\u202E")]
    [InlineData("\u2066\u2067\u2068\u2069")]
    [InlineData("\uFFFE")]
    [InlineData("\uFFFF")]
    [InlineData(" \u200B \uFEFF ")]
    [InlineData("\u3000\u200B\u00A0")]
    [InlineData("\u202E \u2066 \uFFFF \u200B")]
    public void A_reason_of_invisible_characters_only_is_blank(string reason)
    {
        string problem = Assert.Single(Problems(OpenId, ServiceId, AppId, reason));

        Assert.StartsWith("reason is blank", problem);
        Assert.Contains("invisible", problem);
        Assert.DoesNotContain(problem, c => c >= '\u2000' && UserText.IsInvisible(c));
    }

    [Theory]
    [InlineData("用户\u202E申请", "U+202E")]
    [InlineData("用户\u200B申请", "U+200B")]
    [InlineData("\uFEFF用户申请", "U+FEFF")]
    [InlineData("用户申请\uFFFF", "U+FFFF")]
    public void Invisible_characters_in_a_reason_are_named_and_refused(string reason, string named)
    {
        string problem = Assert.Single(Problems(OpenId, ServiceId, AppId, reason));

        Assert.StartsWith("reason contains the invisible character " + named, problem);
    }

    [Fact]
    public void An_emoji_is_named_as_the_character_it_is_never_as_half_a_surrogate_pair()
    {
        string openIdProblem = Assert.Single(Problems("o😀x", ServiceId, AppId, Reason));
        string reasonProblem = Assert.Single(Problems(OpenId, ServiceId, AppId, "再见😀"));

        Assert.Contains("contains the character U+1F600 😀;", openIdProblem);
        Assert.Contains("contains the character U+1F600 😀,", reasonProblem);
        Assert.DoesNotContain("U+D83D", openIdProblem + reasonProblem);
        Assert.DoesNotContain("U+DE00", openIdProblem + reasonProblem);
    }

    [Fact]
    public void A_row_whose_column_names_are_values_says_the_input_has_no_header_line()
    {
        var headerless = new RowFields { AppId = AppId, Columns = ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "500001", "用户申请解除"] };

        var problems = Problems(headerless, Reason);

        Assert.StartsWith("the input seems to have no header line", problems[0]);
        Assert.Contains("'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', '500001'", problems[0]);
        Assert.Contains("Import-Csv -Header openid,service_id", problems[0]);
        Assert.Contains("openid is missing or empty", problems);
    }

    [Theory]
    [InlineData("openid", "service_id")]
    [InlineData("OpenId", "ServiceId")]
    [InlineData("user", "note")]
    [InlineData("2024", "openid")]
    public void A_row_with_real_column_names_is_not_taken_for_a_headerless_one(string first, string second)
    {
        var row = new RowFields { ServiceId = ServiceId, AppId = AppId, Columns = [first, second] };

        var problems = Problems(row, Reason);

        Assert.Equal("openid is missing or empty", Assert.Single(problems));
    }

    [Theory]
    [InlineData("12345678901234567890123456789012345678901234567890")]
    [InlineData("用户申请解除用户申请解除用户申请解除用户申请解除用户申请解除用户申请解除用户申请解除用户申请解除ab")]
    public void Reasons_of_50_characters_are_valid_whatever_their_script(string reason)
    {
        Assert.Equal(50, reason.Length);
        Assert.Empty(Problems(OpenId, ServiceId, AppId, reason));
    }

    [Fact]
    public void Every_bad_field_is_reported_not_just_the_first()
    {
        var problems = Problems("o/x", "", "wx-1", "");

        Assert.Equal(new[] { "openid", "service_id", "appid", "reason" }, problems.Select(p => p.Split(' ')[0]));
    }

    [Theory]
    [InlineData("C")]
    [InlineData("1234323JKHDFE1243252")]
    [InlineData("a_b-c*d_____________________--**")] // 32
    public void Authorization_codes_of_1_to_32_letters_digits_underscores_dashes_and_stars_are_valid(string code)
    {
        Assert.Empty(AuthorizationTarget.Validate(TargetKind.AuthorizationCode, new RowFields { AuthorizationCode = code, ServiceId = ServiceId }));
    }

    [Theory]
    [InlineData("C1", null, null, "AuthorizationCode")]
    [InlineData("C1", "1900000109", "o1", "PartnerAuthorizationCode")]
    [InlineData("C1", "1900000109", null, "PartnerAuthorizationCode")]
    [InlineData("C1", "", null, "AuthorizationCode")]
    [InlineData(null, "1900000109", "o1", "Partner")]
    [InlineData("", "", "o1", "OpenId")]
    [InlineData(null, null, null, "OpenId")]
    public void A_row_is_a_code_row_if_it_has_a_code_else_a_sub_merchant_row_if_it_has_a_sub_mchid(string? code, string? subMchId, string? openId, string kind)
    {
        Assert.Equal(Enum.Parse<TargetKind>(kind), AuthorizationTarget.KindOf(new RowFields { AuthorizationCode = code, SubMerchantId = subMchId, OpenId = openId }));
    }

    [Fact]
    public void A_sub_merchant_row_names_its_user_by_openid_or_by_sub_openid_with_sub_appid()
    {
        var byOpenId = new RowFields { SubMerchantId = "1900000109", OpenId = OpenId, AppId = AppId, ServiceId = ServiceId };
        var bySubOpenId = new RowFields { SubMerchantId = "1900000109", SubOpenId = OpenId, SubAppId = AppId, AppId = AppId, ServiceId = ServiceId };
        var withoutAppId = new RowFields { SubMerchantId = "1900000109", OpenId = OpenId, ServiceId = ServiceId };

        Assert.Empty(AuthorizationTarget.Validate(TargetKind.Partner, byOpenId));
        Assert.Empty(AuthorizationTarget.Validate(TargetKind.Partner, bySubOpenId));
        Assert.Equal("appid is missing or empty", Assert.Single(AuthorizationTarget.Validate(TargetKind.Partner, withoutAppId)));
    }

    [Fact]
    public void A_sub_merchant_row_by_code_needs_the_code_service_id_and_sub_mchid_and_nothing_else()
    {
        var row = new RowFields { AuthorizationCode = "a_b-c*d", SubMerchantId = "1900000109", ServiceId = ServiceId, AppId = AppId, SubAppId = AppId };

        Assert.Empty(AuthorizationTarget.Validate(TargetKind.PartnerAuthorizationCode, row));
        Assert.True(AuthorizationTarget.TryCreate(row, out AuthorizationTarget? target, out _));
        Assert.Equal(TargetKind.PartnerAuthorizationCode, target!.Kind);

        // As with the merchant's own code, appid and sub_appid are not part of what is sent.
        Assert.Equal(("a_b-c*d", "1900000109", ServiceId, null, null, null, null),
            (target.Fields.AuthorizationCode, target.Fields.SubMerchantId, target.Fields.ServiceId, target.Fields.AppId, target.Fields.SubAppId, target.Fields.OpenId, target.Fields.SubOpenId));
    }

    [Theory]
    [InlineData("C1", "1900 0109", ServiceId, null, null, "sub_mchid '1900 0109' contains a space")]
    [InlineData("C1", "190000010919000001091900000109190", ServiceId, null, null, "sub_mchid is 33 characters long (at most 32)")]
    [InlineData("C/1", "1900000109", ServiceId, null, null, "authorization_code 'C/1' contains '/'")]
    [InlineData("C1", "1900000109", "", null, null, "service_id is missing")]
    [InlineData("C1", "1900000109", ServiceId, "oUser", null, "the row has both an authorization_code and an openid")]
    [InlineData("C1", "1900000109", ServiceId, null, "oSub", "the row has both an authorization_code and a sub_openid")]
    public void A_sub_merchant_row_by_code_with_a_bad_value_or_a_user_beside_the_code_is_refused(
        string code, string subMchId, string serviceId, string? openId, string? subOpenId, string problem)
    {
        var row = new RowFields { AuthorizationCode = code, SubMerchantId = subMchId, ServiceId = serviceId, OpenId = openId, SubOpenId = subOpenId };

        IReadOnlyList<string> problems = AuthorizationTarget.Validate(AuthorizationTarget.KindOf(row), row);

        Assert.Contains(problems, p => p.StartsWith(problem, StringComparison.Ordinal));
        Assert.False(AuthorizationTarget.TryCreate(row, out _, out _));
    }

    [Fact]
    public void A_sub_merchant_code_is_another_authorization_than_the_same_code_of_the_merchant_or_of_another_sub_merchant()
    {
        string[] identities = new[]
        {
            new RowFields { AuthorizationCode = "C1", ServiceId = ServiceId },
            new RowFields { AuthorizationCode = "C1", SubMerchantId = "1900000109", ServiceId = ServiceId },
            new RowFields { AuthorizationCode = "C1", SubMerchantId = "1900000110", ServiceId = ServiceId },
            new RowFields { AuthorizationCode = "C1", SubMerchantId = "1900000109", ServiceId = "500002" },
            new RowFields { OpenId = "C1", SubMerchantId = "1900000109", AppId = AppId, ServiceId = ServiceId },
        }.Select(f => Assert.IsType<AuthorizationTarget>(AuthorizationTarget.TryCreate(f, out AuthorizationTarget? t, out _) ? t : null).Identity).ToArray();

        Assert.Equal(identities.Length, identities.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The problems a terminate row is refused for (by the only way a request is made).</summary>
    private static IReadOnlyList<string> Problems(string? openId, string? serviceId, string? appId, string? reason) =>
        Problems(RowFields.ForOpenId(openId, serviceId, appId), reason);

    private static IReadOnlyList<string> Problems(RowFields row, string? reason)
    {
        TerminateRequest.TryCreate(TerminateRoute.UserPermission, row, reason, out _, out IReadOnlyList<string> problems);
        return problems;
    }
}
