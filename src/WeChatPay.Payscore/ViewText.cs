using System;
using System.Collections.Generic;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The words the module's table and list views (WeChatPay.Payscore.Format.ps1xml) show in place of a property's
    /// value, such as "ended" or "(none)", in the session's language. The views call these methods, so that their
    /// words come from the messages files like every other text of the module.
    /// </summary>
    public static class ViewText
    {
        // The texts a view may ask for by id: no other message is handed out this way.
        private static readonly HashSet<string> ViewIds = new HashSet<string>(StringComparer.Ordinal)
        {
            "Result.ViewAuthorizationCode", // who a row is about, when it names an authorization code
            "Result.ViewNone", // no platform certificate, no APIv3 key, no problem
            "Result.ViewApiV3KeyGiven", // where the connection's APIv3 key came from
            "Result.ViewSystemProxy",
            "Result.ViewDefaultTimeout",
            "Result.ViewVerifiesByBoth", // the connection's WeChat Pay keys
            "Result.ViewVerifiesByPublicKey",
            "Result.ViewVerifiesByCertificates",
            "Result.ViewBadInput", // a permission query's State column
            "Result.ViewNotStarted",
            "Result.ViewStateNotKnown",
            "Result.ViewAuthorized",
            "Result.ViewEnded",
            "Result.ViewUnboundByUser",
            "Result.ViewOpened", // a notification's event
            "Result.ViewClosed",
            "Result.ViewSentNoFinalRecord", // a journal row in state Sending
            "Result.ViewClockNotKnown", // a connection test's clock offset
            "Result.ViewClockAhead",
            "Result.ViewClockBehind",
            "Result.ViewNothingToFix",
        };

        /// <summary>
        /// The view text <paramref name="id"/> (one of the Result.View messages a view shows) filled with
        /// <paramref name="args"/>; any other id is given back as it is.
        /// </summary>
        /// <param name="id">The message id, such as Result.ViewNone.</param>
        /// <param name="args">The values of its placeholders, if it has any.</param>
        public static string Of(string id, params object?[] args) => ViewIds.Contains(id) ? Messages.Format(id, args) : id;

        /// <summary>
        /// The Result column of a terminate result's table view: what its result code says, in a few words ("ended",
        /// "unknown: check it"); a refusal by WeChat Pay names the HTTP status.
        /// </summary>
        /// <param name="code">The result's Code.</param>
        /// <param name="statusCode">The result's StatusCode.</param>
        public static string OfResult(string? code, int statusCode) => ResultCodeTable.Of(code, statusCode).ShortText(statusCode);
    }
}
