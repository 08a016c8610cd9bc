using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class TerminateRequestTests
{
    [Fact]
    public void User_permission_route_puts_both_ids_in_the_path_and_appid_and_reason_in_the_body()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, RowFields.ForOpenId("oUpF8u-_x", "500001", "wx1"), "用户申请", out var request, out _));

        Assert.Equal("/v3/payscore/users/oUpF8u-_x/permissions/500001/terminate", request!.PathAndQuery);
        Assert.Equal("{\"appid\":\"wx1\",\"reason\":\"用户申请\"}", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void Openid_permission_route_puts_service_id_in_the_body()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.OpenIdPermission, RowFields.ForOpenId("o1", "500001", "wx1"), "r", out var request, out _));

        Assert.Equal("/v3/payscore/permissions/openid/o1/terminate", request!.PathAndQuery);
        Assert.Equal("{\"service_id\":\"500001\",\"appid\":\"wx1\",\"reason\":\"r\"}", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void Quotes_and_backslashes_in_the_reason_are_escaped_as_json()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, RowFields.ForOpenId("o1", "1", "wx1"), "say \"bye\" \\ now", out var request, out _));

        Assert.Equal("{\"appid\":\"wx1\",\"reason\":\"say \\\"bye\\\" \\\\ now\"}", Encoding.UTF8.GetString(request!.Body));
    }

    [Fact]
    public void An_invalid_row_makes_no_request()
    {
        Assert.False(TerminateRequest.TryCreate(TerminateRoute.UserPermission, RowFields.ForOpenId("o/1", "1", "wx1"), "r", out var request, out var problems));

        Assert.Null(request);
        Assert.Single(problems);
    }

    [Theory]
    [InlineData(null, TerminateRoute.AuthorizationCode,
        "/v3/payscore/permissions/authorization-code/AB_1-%2A/terminate", "{\"service_id\":\"500001\",\"reason\":\"r\"}",
        "/v3/payscore/permissions/authorization-code/AB_1-%2A?service_id=500001")]
    [InlineData("1900000109", TerminateRoute.PartnerAuthorizationCode,
        "/v3/payscore/partner/permissions/authorization-code/AB_1-%2A/terminate", "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"reason\":\"r\"}",
        "/v3/payscore/partner/permissions/authorization-code/AB_1-%2A?service_id=500001&sub_mchid=1900000109")]
    public void A_code_row_goes_to_its_authorization_code_endpoint_with_the_star_escaped_and_no_appid(
        string? subMchId, TerminateRoute route, string path, string body, string queryPath)
    {
        var fields = new RowFields { AuthorizationCode = "AB_1-*", SubMerchantId = subMchId, ServiceId = "500001", AppId = "wxFromTheCommandLine", SubAppId = "wx2" };

        Assert.True(TerminateRequest.TryCreate(TerminateRoute.OpenIdPermission, fields, "r", out var request, out _));

        Assert.Equal((route, path, body, queryPath), (request!.Route, request.PathAndQuery, Encoding.UTF8.GetString(request.Body), request.Target.QueryPath));
        Assert.Null(request.Target.Fields.AppId);
        Assert.Null(request.Target.Fields.SubAppId);
    }

    [Fact]
    public void A_sub_merchant_row_by_openid_goes_to_the_partner_endpoint_whatever_the_route()
    {
        var fields = new RowFields { SubMerchantId = "1900000109", OpenId = "oP", AppId = "wx1", ServiceId = "500001", SubAppId = "" };

        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, fields, "r", out var request, out _));

        Assert.Equal(TerminateRoute.Partner, request!.Route);
        Assert.Equal("/v3/payscore/partner/permissions/terminate", request.PathAndQuery);
        Assert.Equal("{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"appid\":\"wx1\",\"openid\":\"oP\",\"reason\":\"r\"}", Encoding.UTF8.GetString(request.Body));
        Assert.Equal("/v3/payscore/partner/permissions/search?service_id=500001&sub_mchid=1900000109&appid=wx1&openid=oP", request.Target.QueryPath);
    }

    [Fact]
    public void A_sub_merchant_row_by_sub_openid_sends_sub_appid_and_sub_openid()
    {
        var fields = new RowFields { SubMerchantId = "1900000109", SubOpenId = "oS", SubAppId = "wx2", AppId = "wx1", ServiceId = "500001" };

        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, fields, "r", out var request, out _));

        Assert.Equal("{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"appid\":\"wx1\",\"sub_appid\":\"wx2\",\"sub_openid\":\"oS\",\"reason\":\"r\"}", Encoding.UTF8.GetString(request!.Body));
        Assert.Equal("/v3/payscore/partner/permissions/search?service_id=500001&sub_mchid=1900000109&appid=wx1&sub_appid=wx2&sub_openid=oS", request.Target.QueryPath);
    }

    [Fact]
    public void A_bad_reason_and_a_bad_target_are_both_reported()
    {
        var fields = new RowFields { AuthorizationCode = "A/B", ServiceId = "500001" };

        Assert.False(TerminateRequest.TryCreate(TerminateRoute.UserPermission, fields, "", out var request, out var problems));

        Assert.Null(request);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("authorization_code", problems[0]);
        Assert.StartsWith("reason", problems[1]);
    }

    [Theory]
    [InlineData("{\"authorization_success_time\":\"2015-05-20T13:29:35+08:00\"}")]
    [InlineData("{\"authorization_time\":\"2015-05-20T13:29:35+08:00\"}")]
    [InlineData("{\"authorization_time\":\"not a time\",\"authorization_success_time\":\"2015-05-20T13:29:35+08:00\"}")]
    public void The_authorization_time_is_read_under_either_name(string body)
    {
        DateTimeOffset? time = PermissionQuery.ReadAuthorizationTime(Encoding.UTF8.GetBytes(body));

        Assert.Equal(new DateTimeOffset(2015, 5, 20, 13, 29, 35, TimeSpan.FromHours(8)), time);
    }
}
