using System;
using System.Collections.Generic;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore
{
    /// <summary>What a row's result code says of the authorization it addressed.</summary>
    internal enum AuthorizationOutcome
    {
        /// <summary>The authorization is ended (by this row or before it): the journal counts the row done.</summary>
        Ended,

        /// <summary>The request may have landed, and nothing verified says how: check before sending again; the journal counts it unknown.</summary>
        Open,

        /// <summary>Nothing was changed (refused, or never sent): sending again is safe; the journal counts it failed.</summary>
        NotEnded,
    }

    /// <summary>
    /// The category of a failed row's error record, named as PowerShell's ErrorCategory names it; the Commands layer
    /// turns it into one by name, so that this table knows nothing of PowerShell.
    /// </summary>
    internal enum ResultCategory
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        InvalidResult,
        SecurityError,
        ConnectionError,
        OperationTimeout,
        PermissionDenied,
        AuthenticationError,
        ObjectNotFound,
        LimitsExceeded,
        ResourceUnavailable,
        ResourceExists,
        ReadError,
        WriteError,
    }

    /// <summary>One result code: what its error record says, what it leaves open, what to do about it, and how a table view shows it.</summary>
    internal sealed class ResultCodeInfo
    {
        public ResultCodeInfo(string code, string? errorId, ResultCategory category, AuthorizationOutcome outcome, bool neverSent, string recommendedActionId, string shortTextId, bool askAgain = false)
        {
            Code = code;
            ErrorId = errorId;
            Category = category;
            Outcome = outcome;
            NeverSent = neverSent;
            RecommendedActionId = recommendedActionId;
            ShortTextId = shortTextId;
            AskAgain = askAgain;
        }

        public string Code { get; }

        /// <summary>
        /// The stable id of a failed row's error record (<see cref="ErrorIds"/>); null for a code that writes no error: a
        /// success, or NOT_STARTED, which one warning counts for the whole run.
        /// </summary>
        public string? ErrorId { get; }

        public ResultCategory Category { get; }

        public AuthorizationOutcome Outcome { get; }

        /// <summary>True when the outcome is open: the request may have landed.</summary>
        public bool IsOpen => Outcome == AuthorizationOutcome.Open;

        /// <summary>The row was never meant to be sent (bad input, a repeat, done before, not started): it says nothing of WeChat Pay's health or of the authorization.</summary>
        public bool NeverSent { get; }

        /// <summary>
        /// The row's own settlement failed (the query that was to tell whether its terminate landed failed too): it is
        /// asked about once more when the input has ended (Execution.OutcomeSweep). Other open codes end a row whose
        /// retries ran out after the query said the authorization stands, or that no query could help (nothing sent).
        /// </summary>
        public bool AskAgain { get; }

        /// <summary>The message id of <see cref="RecommendedAction"/>.</summary>
        public string RecommendedActionId { get; }

        /// <summary>What to do about a row with this code: the RecommendedAction of its error record, in the session's language.</summary>
        public string RecommendedAction => Messages.Format(RecommendedActionId);

        /// <summary>
        /// The message id of the few words the Result column of a terminate result's table view shows for this code
        /// (<see cref="ViewText.OfResult"/>); a refusal's names the HTTP status ({0}).
        /// </summary>
        public string ShortTextId { get; }

        /// <summary>The Result column's words for a row with this code and HTTP <paramref name="statusCode"/>.</summary>
        public string ShortText(int statusCode) => Messages.Format(ShortTextId, statusCode);
    }

    /// <summary>
    /// Every result code in one place: <see cref="ResultCodes"/> and the WeChat Pay error codes that need more than the
    /// default. INTERNAL_ERROR and UNEXPECTED_RESPONSE leave the outcome open: a defect may strike after the request
    /// left, and an answer that is neither 204 nor a WeChat Pay error (a 200, a redirect, HTML) came back from something
    /// the request reached; so they are retried only after WeChat Pay's query, like a timeout.
    /// </summary>
    internal static class ResultCodeTable
    {
        private const string CheckFirst = "Result.ActionCheckFirst";
        private const string SeeWechatpay = "Result.ActionSeeWechatpay";
        private const string Repeated500 = "Result.ActionRepeated500";

        /// <summary>A code this table does not list: a WeChat Pay error code, passed through; WeChat Pay refused, nothing changed.</summary>
        public static readonly ResultCodeInfo Unlisted =
            new ResultCodeInfo(string.Empty, ErrorIds.WechatpayErrorResponse, ResultCategory.InvalidOperation, AuthorizationOutcome.NotEnded, neverSent: false, SeeWechatpay, "View.Refused");

        private static readonly Dictionary<string, ResultCodeInfo> Rows = Build(
            // This module's codes (ResultCodes).
            Ended(ResultCodes.Ok, "View.Ended"),
            Ended(ResultCodes.SettledByQuery, "View.SettledByQuery"),
            Ended(ResultCodes.AlreadyEnded, "View.AlreadyEnded"),
            new ResultCodeInfo(ResultCodes.AlreadyDone, null, ResultCategory.NotSpecified, AuthorizationOutcome.Ended, neverSent: true, SeeWechatpay, "View.AlreadyDone"),
            new ResultCodeInfo(ResultCodes.InvalidInput, ErrorIds.InvalidInput, ResultCategory.InvalidData, AuthorizationOutcome.NotEnded, neverSent: true, "Result.ActionCorrectRow", "View.InvalidInput"),
            new ResultCodeInfo(ResultCodes.Duplicate, ErrorIds.DuplicateRow, ResultCategory.InvalidData, AuthorizationOutcome.NotEnded, neverSent: true, "Result.ActionRemoveRepeat", "View.Duplicate"),
            // No error per row: one warning counts them, rather than an error for each row of a long remainder.
            new ResultCodeInfo(ResultCodes.NotStarted, null, ResultCategory.NotSpecified, AuthorizationOutcome.NotEnded, neverSent: true, "Result.ActionRunAgain", "View.NotStarted"),
            Open(ResultCodes.ResponseUnverified, ErrorIds.ResponseUnverified, ResultCategory.SecurityError),
            Open(ResultCodes.SignatureProbe, ErrorIds.SignatureProbe, ResultCategory.SecurityError),
            Open(ResultCodes.UnexpectedResponse, ErrorIds.UnexpectedResponse, ResultCategory.InvalidResult, "View.UnexpectedResponse"),
            Open(ResultCodes.NetworkError, ErrorIds.NetworkError, ResultCategory.ConnectionError, "View.NetworkError"),
            Open(ResultCodes.Timeout, ErrorIds.RequestTimeout, ResultCategory.OperationTimeout),
            Open(ResultCodes.OutcomeUnknown, ErrorIds.OutcomeUnknown, ResultCategory.OperationTimeout, askAgain: true),
            Open(ResultCodes.InternalError, ErrorIds.InternalError, ResultCategory.NotSpecified, "View.InternalError"),

            // WeChat Pay's own codes that say more than "refused".
            Refused(WechatpayCodes.NoAuth, ResultCategory.PermissionDenied, "Result.ActionNoAuth"),
            Refused(WechatpayCodes.SignError, ResultCategory.AuthenticationError, "Result.ActionSignError"),
            Refused(WechatpayCodes.OrderNotExist, ResultCategory.ObjectNotFound),
            Refused(WechatpayCodes.NotFound, ResultCategory.ObjectNotFound),
            Refused(WechatpayCodes.FrequencyLimited, ResultCategory.LimitsExceeded),
            Refused(WechatpayCodes.RateLimitExceeded, ResultCategory.LimitsExceeded),
            Refused(WechatpayCodes.RateLimitExceed, ResultCategory.LimitsExceeded),
            Refused(WechatpayCodes.SystemError, ResultCategory.ResourceUnavailable, Repeated500),
            Refused(WechatpayCodes.SystemErrorLegacy, ResultCategory.ResourceUnavailable, Repeated500),
            Refused(WechatpayCodes.ServiceUnavailable, ResultCategory.ResourceUnavailable));

        /// <summary>The listed codes, for tests and documentation.</summary>
        public static IEnumerable<ResultCodeInfo> All => Rows.Values;

        /// <summary>The row of <paramref name="code"/>; <see cref="Unlisted"/> for a WeChat Pay code the table does not name.</summary>
        public static ResultCodeInfo Of(string? code) =>
            code != null && Rows.TryGetValue(code, out ResultCodeInfo? info) ? info : Unlisted;

        /// <summary>
        /// The row of a failed row's <paramref name="code"/> and HTTP status: any 429 is a rate limit, whatever code
        /// WeChat Pay gave it (FREQUENCY_LIMITED, RATELIMIT_EXCEEDED, RATELIMIT_EXCEED, or one not seen yet).
        /// </summary>
        public static ResultCodeInfo Of(string? code, int statusCode)
        {
            ResultCodeInfo info = Of(code);
            return statusCode == 429 && ReferenceEquals(info, Unlisted) ? Rows[WechatpayCodes.FrequencyLimited] : info;
        }

        private static ResultCodeInfo Ended(string code, string shortTextId) =>
            new ResultCodeInfo(code, null, ResultCategory.NotSpecified, AuthorizationOutcome.Ended, neverSent: false, SeeWechatpay, shortTextId);

        // An open outcome reads "unknown: check it" in the table view, unless its code says more (no network, an unexpected answer, a defect).
        private static ResultCodeInfo Open(string code, string errorId, ResultCategory category, string shortTextId = "View.Open", bool askAgain = false) =>
            new ResultCodeInfo(code, errorId, category, AuthorizationOutcome.Open, neverSent: false, CheckFirst, shortTextId, askAgain);

        private static ResultCodeInfo Refused(string code, ResultCategory category, string recommendedActionId = SeeWechatpay) =>
            new ResultCodeInfo(code, ErrorIds.WechatpayErrorResponse, category, AuthorizationOutcome.NotEnded, neverSent: false, recommendedActionId, "View.Refused");

        private static Dictionary<string, ResultCodeInfo> Build(params ResultCodeInfo[] rows)
        {
            var table = new Dictionary<string, ResultCodeInfo>(StringComparer.Ordinal);
            foreach (ResultCodeInfo row in rows)
            {
                table.Add(row.Code, row);
            }

            return table;
        }
    }
}
