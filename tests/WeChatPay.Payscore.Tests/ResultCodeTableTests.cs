using System.Management.Automation;
using System.Reflection;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Execution;
using Xunit;

namespace WeChatPay.Payscore.Tests;

public class ResultCodeTableTests
{
    private static string[] ModuleCodes() =>
        typeof(ResultCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    [Fact]
    public void Every_result_code_of_the_module_has_its_own_row()
    {
        string[] codes = ModuleCodes();
        Assert.NotEmpty(codes);
        foreach (string code in codes)
        {
            Assert.True(ResultCodeTable.All.Any(row => row.Code == code), $"{code} has no row in ResultCodeTable");
        }
    }

    [Fact]
    public void Every_failure_row_names_an_error_id_and_a_category_PowerShell_knows()
    {
        foreach (ResultCodeInfo row in ResultCodeTable.All.Append(ResultCodeTable.Unlisted))
        {
            Assert.Equal(row.Category.ToString(), WxPayscoreBulkCommandBase.CategoryOf(row.Category).ToString());
            if (row.Outcome != AuthorizationOutcome.Ended && row.Code != ResultCodes.NotStarted)
            {
                Assert.False(string.IsNullOrEmpty(row.ErrorId), $"{row.Code} fails without an error id");
                Assert.Contains(row.ErrorId, typeof(ErrorIds).GetFields().Select(f => (string)f.GetRawConstantValue()!));
            }
        }

        foreach (ResultCategory category in Enum.GetValues(typeof(ResultCategory)))
        {
            Assert.Equal(category.ToString(), WxPayscoreBulkCommandBase.CategoryOf(category).ToString());
        }
    }

    [Fact]
    public void Only_a_failed_settlement_is_asked_again_at_the_end_and_it_leaves_the_outcome_open()
    {
        ResultCodeInfo asked = Assert.Single(ResultCodeTable.All.Append(ResultCodeTable.Unlisted), row => row.AskAgain);
        Assert.Equal(ResultCodes.OutcomeUnknown, asked.Code);
        Assert.True(asked.IsOpen);
    }

    [Theory]
    [InlineData(ResultCodes.InvalidInput, ErrorIds.InvalidInput, ErrorCategory.InvalidData)]
    [InlineData(ResultCodes.ResponseUnverified, ErrorIds.ResponseUnverified, ErrorCategory.SecurityError)]
    [InlineData(ResultCodes.SignatureProbe, ErrorIds.SignatureProbe, ErrorCategory.SecurityError)]
    [InlineData(ResultCodes.UnexpectedResponse, ErrorIds.UnexpectedResponse, ErrorCategory.InvalidResult)]
    [InlineData(ResultCodes.NetworkError, ErrorIds.NetworkError, ErrorCategory.ConnectionError)]
    [InlineData(ResultCodes.Timeout, ErrorIds.RequestTimeout, ErrorCategory.OperationTimeout)]
    [InlineData(ResultCodes.InternalError, ErrorIds.InternalError, ErrorCategory.NotSpecified)]
    [InlineData(ResultCodes.Duplicate, ErrorIds.DuplicateRow, ErrorCategory.InvalidData)]
    [InlineData(ResultCodes.OutcomeUnknown, ErrorIds.OutcomeUnknown, ErrorCategory.OperationTimeout)]
    [InlineData("NO_AUTH", ErrorIds.WechatpayErrorResponse, ErrorCategory.PermissionDenied)]
    [InlineData("SIGN_ERROR", ErrorIds.WechatpayErrorResponse, ErrorCategory.AuthenticationError)]
    [InlineData("ORDER_NOT_EXIST", ErrorIds.WechatpayErrorResponse, ErrorCategory.ObjectNotFound)]
    [InlineData("NOT_FOUND", ErrorIds.WechatpayErrorResponse, ErrorCategory.ObjectNotFound)]
    [InlineData("FREQUENCY_LIMITED", ErrorIds.WechatpayErrorResponse, ErrorCategory.LimitsExceeded)]
    [InlineData("RATELIMIT_EXCEEDED", ErrorIds.WechatpayErrorResponse, ErrorCategory.LimitsExceeded)]
    [InlineData("SYSTEM_ERROR", ErrorIds.WechatpayErrorResponse, ErrorCategory.ResourceUnavailable)]
    [InlineData("SYSTEMERROR", ErrorIds.WechatpayErrorResponse, ErrorCategory.ResourceUnavailable)]
    [InlineData("SERVICE_UNAVAILABLE", ErrorIds.WechatpayErrorResponse, ErrorCategory.ResourceUnavailable)]
    [InlineData("PARAM_ERROR", ErrorIds.WechatpayErrorResponse, ErrorCategory.InvalidOperation)]
    [InlineData("SOMETHING_NEW", ErrorIds.WechatpayErrorResponse, ErrorCategory.InvalidOperation)]
    [InlineData("RATELIMIT_EXCEED", ErrorIds.WechatpayErrorResponse, ErrorCategory.LimitsExceeded)]
    public void A_failed_row_gets_the_error_id_and_category_of_its_code(string code, string errorId, ErrorCategory category)
    {
        Assert.Equal((errorId, category), WxPayscoreBulkCommandBase.ClassifyFailure(new TerminateResult { Code = code, StatusCode = 400 }));
    }

    /// <summary>
    /// A row the time budget left out was never sent: the rerun with the same journal sends it, and it writes no error
    /// of its own (one warning counts them all, rather than an error per row for the rest of a long input).
    /// </summary>
    [Fact]
    public void A_row_not_started_is_not_sent_writes_no_error_and_is_sent_by_the_rerun()
    {
        ResultCodeInfo row = ResultCodeTable.Of(ResultCodes.NotStarted);

        Assert.Same(row, ResultCodeTable.All.Single(r => r.Code == ResultCodes.NotStarted));
        Assert.True(row.NeverSent);
        Assert.Equal(AuthorizationOutcome.NotEnded, row.Outcome);
        Assert.Null(row.ErrorId);
        Assert.Equal(JournalRowState.Failed, JournalReplay.Classify(false, ResultCodes.NotStarted));
    }

    [Theory]
    [InlineData("TOO_MANY_REQUESTS")]
    [InlineData("SOMETHING_NEW")]
    [InlineData("FREQUENCY_LIMITED")]
    public void Any_429_is_a_rate_limit_whatever_its_code(string code)
    {
        Assert.Equal(
            (ErrorIds.WechatpayErrorResponse, ErrorCategory.LimitsExceeded),
            WxPayscoreBulkCommandBase.ClassifyFailure(new PayscorePermission { Code = code, StatusCode = 429 }));
        Assert.Equal(ErrorCategory.InvalidOperation, WxPayscoreBulkCommandBase.ClassifyFailure(new PayscorePermission { Code = "TOO_MANY_REQUESTS", StatusCode = 400 }).Category);
    }

    /// <summary>
    /// A defect may strike after the request left, and an answer that is neither 204 nor a WeChat Pay error came from
    /// something the request reached: both leave the outcome open, for the journal and for the advice alike.
    /// </summary>
    [Theory]
    [InlineData(ResultCodes.InternalError)]
    [InlineData(ResultCodes.UnexpectedResponse)]
    public void Internal_errors_and_unexpected_answers_leave_the_outcome_open_everywhere(string code)
    {
        ResultCodeInfo row = ResultCodeTable.Of(code);

        Assert.True(row.IsOpen);
        Assert.False(row.NeverSent);
        Assert.Equal(JournalRowState.Unknown, JournalReplay.Classify(false, code));
        Assert.Contains("outcome is not known", row.RecommendedAction);
        Assert.Contains("check the authorization state", row.RecommendedAction);
    }

    [Fact]
    public void The_journal_and_the_advice_agree_on_every_row()
    {
        foreach (ResultCodeInfo row in ResultCodeTable.All.Append(ResultCodeTable.Unlisted))
        {
            JournalRowState expected = row.Outcome == AuthorizationOutcome.Ended ? JournalRowState.Done
                : row.Outcome == AuthorizationOutcome.Open ? JournalRowState.Unknown
                : JournalRowState.Failed;
            Assert.Equal(expected, JournalReplay.Classify(false, row.Code == string.Empty ? "SOMETHING_NEW" : row.Code));
            Assert.Equal(row.IsOpen, row.RecommendedAction.Contains("outcome is not known"));
        }
    }

    [Theory]
    [InlineData(ResultCodes.InvalidInput, true)]
    [InlineData(ResultCodes.Duplicate, true)]
    [InlineData(ResultCodes.AlreadyDone, true)]
    [InlineData(ResultCodes.NotStarted, true)]
    [InlineData(ResultCodes.Timeout, false)]
    [InlineData("NO_AUTH", false)]
    public void Rows_that_were_never_meant_to_be_sent_are_told_apart(string code, bool neverSent)
    {
        Assert.Equal(neverSent, ResultCodeTable.Of(code).NeverSent);
    }
}
