using System.Management.Automation;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The result objects as PowerShell sees them: the columns Export-Csv writes, in its order.</summary>
public sealed class RowResultShapeTests : IDisposable
{
    private static readonly string[] TerminateColumns =
    {
        "RowNumber", "OpenId", "ServiceId", "AppId", "AuthorizationCode", "SubMerchantId", "SubAppId", "SubOpenId",
        "Success", "StatusCode", "Code", "Message", "RequestId", "Attempts", "Elapsed", "Route", "CompletedAt",
    };

    private static readonly string[] PermissionColumns =
    {
        "RowNumber", "OpenId", "ServiceId", "AppId", "AuthorizationCode", "SubMerchantId", "SubAppId", "SubOpenId",
        "Success", "AuthorizationState", "AuthorizationTime", "CancelAuthorizationTime",
        "StatusCode", "Code", "Message", "RequestId", "Attempts", "Elapsed", "CompletedAt",
    };

    private readonly HostedSession _session = new HostedSession();

    public void Dispose() => _session.Dispose();

    private string[] CsvHeader(object result) =>
        _session.Script("$args[0] | ConvertTo-Csv -NoTypeInformation | Select-Object -First 1", result).Split(',').Select(c => c.Trim('"')).ToArray();

    private string[] PropertyNames(object result) =>
        _session.Objects("$args[0].psobject.Properties.Name", result).Select(o => (string)o.BaseObject).ToArray();

    [Fact]
    public void A_terminate_result_keeps_its_csv_columns_in_their_order()
    {
        Assert.Equal(TerminateColumns, CsvHeader(new TerminateResult()));
        Assert.Equal(TerminateColumns, PropertyNames(new TerminateResult()));
    }

    [Fact]
    public void A_permission_keeps_its_csv_columns_in_their_order()
    {
        Assert.Equal(PermissionColumns, CsvHeader(new PayscorePermission()));
        Assert.Equal(PermissionColumns, PropertyNames(new PayscorePermission()));
    }

    [Fact]
    public void Every_public_property_of_a_result_is_one_of_its_columns()
    {
        // A property added to a result but not to its columns would be invisible in PowerShell.
        foreach (PayscoreRowResult result in new PayscoreRowResult[] { new TerminateResult(), new PayscorePermission() })
        {
            Assert.Equal(
                result.GetType().GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal),
                PropertyNames(result).OrderBy(n => n, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void PowerShell_reads_the_values_and_types_of_the_result_and_cannot_change_them()
    {
        var result = PayscoreRowResult.NotSent<TerminateResult>(12, RowFields.ForOpenId("oShape", "500001", null), ResultCodes.Duplicate, success: false, "Not sent: repeat.");
        result.Route = TerminateRoute.OpenIdPermission;

        Assert.Equal(
            "12|oShape|500001|False|DUPLICATE|OpenIdPermission|System.Int64|WeChatPay.Payscore.TerminateRoute",
            _session.Script(
                "$r = $args[0]; ($r.RowNumber, $r.OpenId, $r.ServiceId, $r.Success, $r.Code, $r.Route, " +
                "$r.psobject.Properties['RowNumber'].TypeNameOfValue, $r.psobject.Properties['Route'].TypeNameOfValue) -join '|'",
                result));
        Assert.StartsWith("Exception setting \"Code\"", _session.Script("try { $args[0].Code = 'OK'; 'changed' } catch { $_.Exception.Message }", result));
        Assert.Equal(ResultCodes.Duplicate, result.Code);
        Assert.Equal("oshape", _session.Script("$args[0].openid.ToLowerInvariant()", result));
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
