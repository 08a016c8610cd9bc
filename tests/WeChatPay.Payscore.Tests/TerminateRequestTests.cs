using System.Text;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class TerminateRequestTests
{
    [Fact]
    public void User_permission_route_puts_both_ids_in_the_path_and_appid_and_reason_in_the_body()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, "oUpF8u-_x", "500001", "wx1", "用户申请", out var request, out _));

        Assert.Equal("/v3/payscore/users/oUpF8u-_x/permissions/500001/terminate", request!.PathAndQuery);
        Assert.Equal("{\"appid\":\"wx1\",\"reason\":\"用户申请\"}", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void Openid_permission_route_puts_service_id_in_the_body()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.OpenIdPermission, "o1", "500001", "wx1", "r", out var request, out _));

        Assert.Equal("/v3/payscore/permissions/openid/o1/terminate", request!.PathAndQuery);
        Assert.Equal("{\"service_id\":\"500001\",\"appid\":\"wx1\",\"reason\":\"r\"}", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void Quotes_and_backslashes_in_the_reason_are_escaped_as_json()
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, "o1", "1", "wx1", "say \"bye\" \\ now", out var request, out _));

        Assert.Equal("{\"appid\":\"wx1\",\"reason\":\"say \\\"bye\\\" \\\\ now\"}", Encoding.UTF8.GetString(request!.Body));
    }

    [Fact]
    public void An_invalid_row_makes_no_request()
    {
        Assert.False(TerminateRequest.TryCreate(TerminateRoute.UserPermission, "o/1", "1", "wx1", "r", out var request, out var problems));

        Assert.Null(request);
        Assert.Single(problems);
    }
}
