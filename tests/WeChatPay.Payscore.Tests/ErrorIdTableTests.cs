using System.Management.Automation;
using System.Reflection;
using WeChatPay.Payscore.Commands;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Every error id has its category in one place: a row's in ResultCodeTable, every other in ErrorIdTable.</summary>
public class ErrorIdTableTests
{
    private static string[] AllIds() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    private static HashSet<string> RowIds() =>
        ResultCodeTable.All.Append(ResultCodeTable.Unlisted).Select(r => r.ErrorId).OfType<string>().ToHashSet();

    [Fact]
    public void Every_error_id_is_in_exactly_one_table()
    {
        HashSet<string> rowIds = RowIds();
        var listed = ErrorIdTable.Ids.ToHashSet();
        foreach (string id in AllIds())
        {
            Assert.True(rowIds.Contains(id) ^ listed.Contains(id), $"{id} must be in exactly one of ResultCodeTable (a row's id) and ErrorIdTable");
        }

        Assert.Empty(listed.Except(AllIds()));
    }

    [Theory]
    [InlineData(ErrorIds.PrivateKeyNotFound, ErrorCategory.InvalidArgument)]
    [InlineData(ErrorIds.JournalWriteFailed, ErrorCategory.WriteError)]
    [InlineData(ErrorIds.WechatpayUnreachable, ErrorCategory.ConnectionError)]
    [InlineData(ErrorIds.SignatureRejected, ErrorCategory.AuthenticationError)]
    [InlineData(ErrorIds.ConfirmationNotPossible, ErrorCategory.PermissionDenied)]
    [InlineData(ErrorIds.PlatformCertificatesNotAvailable, ErrorCategory.ObjectNotFound)]
    [InlineData(ErrorIds.PlatformCertificateUnverified, ErrorCategory.SecurityError)]
    [InlineData(ErrorIds.PlatformCertificateFileExists, ErrorCategory.ResourceExists)]
    [InlineData(ErrorIds.NotificationUnreadable, ErrorCategory.ReadError)]
    [InlineData(ErrorIds.NotificationMalformed, ErrorCategory.InvalidData)]
    [InlineData(ErrorIds.NotificationStale, ErrorCategory.InvalidResult)]
    [InlineData(ErrorIds.NotificationSignatureProbe, ErrorCategory.SecurityError)]
    public void A_command_error_id_has_the_category_scripts_see(string id, ErrorCategory expected)
    {
        Assert.Equal(expected, WxPayscoreCommandBase.CategoryOf(id));
    }

    [Fact]
    public void Every_listed_category_is_one_PowerShell_knows()
    {
        foreach (string id in ErrorIdTable.Ids)
        {
            ResultCategory category = ErrorIdTable.CategoryOf(id);
            Assert.NotEqual(ResultCategory.NotSpecified, category);
            Assert.Equal(category.ToString(), WxPayscoreCommandBase.CategoryOf(category).ToString());
        }
    }
}
