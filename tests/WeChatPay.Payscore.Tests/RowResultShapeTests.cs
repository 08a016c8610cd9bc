using System.Management.Automation;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The result objects as PowerShell sees them: the columns Export-Csv writes, in its order.</summary>
public class RowResultShapeTests
{
    private static string[] Columns(object result) => PSObject.AsPSObject(result).Properties.Select(p => p.Name).ToArray();

    [Fact]
    public void A_terminate_result_keeps_its_csv_columns_in_their_order()
    {
        Assert.Equal(
            new[]
            {
                "RowNumber", "OpenId", "ServiceId", "AppId", "AuthorizationCode", "SubMerchantId", "SubAppId", "SubOpenId",
                "Success", "StatusCode", "Code", "Message", "RequestId", "Attempts", "Elapsed", "Route", "CompletedAt",
            },
            Columns(new TerminateResult()));
    }

    [Fact]
    public void A_permission_keeps_its_csv_columns_in_their_order()
    {
        Assert.Equal(
            new[]
            {
                "RowNumber", "OpenId", "ServiceId", "AppId", "AuthorizationCode", "SubMerchantId", "SubAppId", "SubOpenId",
                "Success", "AuthorizationState", "AuthorizationTime", "CancelAuthorizationTime",
                "StatusCode", "Code", "Message", "RequestId", "Attempts", "Elapsed", "CompletedAt",
            },
            Columns(new PayscorePermission()));
    }
}

/// <summary>The identity table against what PowerShell binds and what the results show.</summary>
public class IdentityTableTests
{
    [Fact]
    public void Every_identity_field_is_a_parameter_that_binds_its_wechat_pay_column()
    {
        Assert.Equal(7, RowFields.Identity.Count);
        foreach (IdentityField field in RowFields.Identity)
        {
            var parameter = typeof(WxPayscoreBulkCommandBase).GetProperty(field.PropertyName);
            Assert.NotNull(parameter);
            Assert.Contains(parameter!.GetCustomAttributes(typeof(ParameterAttribute), true), _ => true);
            string[] names = parameter.GetCustomAttributes(typeof(AliasAttribute), true).Cast<AliasAttribute>().SelectMany(a => a.AliasNames).Append(parameter.Name).ToArray();
            Assert.Contains(names, name => string.Equals(name, field.WireName, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Every_result_shows_each_identity_field_under_its_property_name()
    {
        var fields = RowFields.From(field => "v-" + field.WireName);
        PayscoreRowResult[] results =
        {
            PayscoreRowResult.InvalidInput<TerminateResult>(3, fields, new[] { "bad" }),
            PayscoreRowResult.InvalidInput<PayscorePermission>(3, fields, new[] { "bad" }),
        };

        foreach (PayscoreRowResult result in results)
        {
            PSObject shown = PSObject.AsPSObject(result);
            foreach (IdentityField field in RowFields.Identity)
            {
                Assert.Equal("v-" + field.WireName, shown.Properties[field.PropertyName].Value);
            }

            Assert.Equal(ResultCodes.InvalidInput, result.Code);
            Assert.Equal("Not sent: bad.", result.Message);
            Assert.False(result.Success);
            Assert.Equal(3, result.RowNumber);
        }
    }

    [Fact]
    public void A_result_keeps_the_values_it_was_given_when_the_row_changes_later()
    {
        var fields = RowFields.ForOpenId("oBefore", "500001", "wx1");
        TerminateResult result = PayscoreRowResult.NotSent<TerminateResult>(1, fields, ResultCodes.Duplicate, success: false, "m");
        fields.OpenId = "oAfter";

        Assert.Equal("oBefore", result.OpenId);
    }
}
