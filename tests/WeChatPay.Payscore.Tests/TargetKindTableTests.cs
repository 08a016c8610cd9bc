using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The table of authorization kinds is whole: every kind has its rules, every endpoint its path and body.</summary>
public class TargetKindTableTests
{
    [Fact]
    public void Every_kind_has_its_own_entry_in_the_order_of_the_enum()
    {
        TargetKind[] kinds = Enum.GetValues<TargetKind>();
        Assert.Equal(kinds, TargetKindTable.All.Select(rules => rules.Kind));
        Assert.All(kinds, kind => Assert.Equal(kind, TargetKindTable.Of(kind).Kind));
    }

    [Fact]
    public void Every_terminate_route_builds_a_request_for_a_row_of_its_kind()
    {
        var rows = new Dictionary<TargetKind, RowFields>
        {
            [TargetKind.OpenId] = RowFields.ForOpenId("oKind", "500001", "wxd678efh567hg6787"),
            [TargetKind.AuthorizationCode] = new RowFields { AuthorizationCode = "code1", ServiceId = "500001" },
            [TargetKind.Partner] = new RowFields { SubMerchantId = "1900000109", ServiceId = "500001", AppId = "wxd678efh567hg6787", OpenId = "oKind" },
            [TargetKind.PartnerAuthorizationCode] = new RowFields { AuthorizationCode = "code1", SubMerchantId = "1900000109", ServiceId = "500001" },
        };
        var routes = new List<TerminateRoute>();
        foreach (TargetKind kind in Enum.GetValues<TargetKind>())
        {
            Assert.Equal(kind, TargetKindTable.KindOf(rows[kind]));
            TerminateRoute[] kindRoutes = TargetKindTable.Of(kind).Route is TerminateRoute fixedRoute
                ? [fixedRoute]
                : [TerminateRoute.UserPermission, TerminateRoute.OpenIdPermission];
            foreach (TerminateRoute route in kindRoutes)
            {
                Assert.True(TerminateRequest.TryCreate(route, rows[kind], "r", out TerminateRequest? request, out _));
                Assert.Equal(route, request!.Route);
                Assert.StartsWith("/v3/payscore/", request.PathAndQuery);
                routes.Add(route);
            }
        }

        Assert.Equal(Enum.GetValues<TerminateRoute>().OrderBy(r => r), routes.OrderBy(r => r));
    }
}
