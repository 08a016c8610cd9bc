using System.Reflection;
using System.Text.RegularExpressions;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Every endpoint the module calls is a row of <see cref="EndpointTable"/>, and each row's fields are identity fields.</summary>
public sealed class EndpointTableTests
{
    private static IEnumerable<Endpoint> Endpoints() =>
        typeof(EndpointTable).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Endpoint))
            .Select(f => (Endpoint)f.GetValue(null)!);

    [Fact]
    public void Every_field_in_a_path_is_an_identity_field()
    {
        string[] names = RowFields.Identity.Select(f => f.WireName).ToArray();
        string[] unknown = Endpoints()
            .SelectMany(e => Regex.Matches(e.Template, @"\{([^}]*)\}").Select(m => $"{e}: {m.Groups[1].Value}"))
            .Where(placeholder => !names.Contains(placeholder.Substring(placeholder.LastIndexOf(' ') + 1)))
            .ToArray();

        Assert.True(Endpoints().Count() >= 10, "the table's endpoints are found");
        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_terminate_route_has_its_endpoint_and_none_is_shared()
    {
        Endpoint[] terminates = Enum.GetValues<TerminateRoute>().Select(EndpointTable.Terminate).ToArray();

        Assert.Equal(terminates.Length, terminates.Distinct().Count());
        Assert.All(terminates, e => Assert.Equal(HttpMethod.Post, e.Method));
    }

    [Fact]
    public void Values_are_escaped_in_the_path_and_the_query_and_an_optional_field_without_a_value_is_left_out()
    {
        var row = new RowFields { OpenId = "o a/b", ServiceId = "5&1", AppId = "wx=1", SubMerchantId = "19" };

        Assert.Equal("/v3/payscore/permissions/openid/o%20a%2Fb?appid=wx%3D1&service_id=5%261", EndpointTable.QueryOpenId.PathAndQuery(row));
        Assert.Equal("/v3/payscore/partner/permissions/search?service_id=5%261&sub_mchid=19&appid=wx%3D1&openid=o%20a%2Fb", EndpointTable.QueryPartner.PathAndQuery(row));
    }

    [Fact]
    public void A_required_value_that_is_missing_is_a_defect_not_a_request()
    {
        var row = new RowFields { OpenId = "o1", ServiceId = "500001" };

        var ex = Assert.Throws<InvalidOperationException>(() => EndpointTable.QueryOpenId.PathAndQuery(row));
        Assert.Contains("appid", ex.Message);
    }

    [Theory]
    [InlineData(typeof(InputValidator))]
    [InlineData(typeof(Endpoint))]
    [InlineData(typeof(EndpointTable))]
    public void The_field_rules_and_the_endpoints_know_nothing_of_the_kinds_of_target(Type leaf)
    {
        // The kinds table joins rules and endpoints; a leaf that called back into it would make a cycle again.
        Type[] used = TypeReferences.TypesUsedBy(leaf).ToArray();

        Assert.DoesNotContain(typeof(TargetKindTable), used);
        Assert.DoesNotContain(typeof(AuthorizationTarget), used);
        Assert.DoesNotContain(typeof(TerminateRequest), used);
    }
}
