using System;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// The words the module's table and list views (WeChatPay.Payscore.Format.ps1xml) show in place of a property's
    /// value, such as "ended" or "(none)", in the session's language. The views call these methods, so that their
    /// words come from the messages files like every other text of the module.
    /// </summary>
    public static class ViewText
    {
        // The texts a view may ask for by id (WeChatPay.Payscore.Format.ps1xml names them): no other message is handed out this way.
        private const string ViewIdPrefix = "View.";

        /// <summary>
        /// The view text <paramref name="id"/> (one of the View. messages a view shows) filled with
        /// <paramref name="args"/>; any other id is given back as it is.
        /// </summary>
        /// <param name="id">The message id, such as View.None.</param>
        /// <param name="args">The values of its placeholders, if it has any.</param>
        public static string Of(string id, params object?[] args) =>
            id.StartsWith(ViewIdPrefix, StringComparison.Ordinal) ? Messages.Format(id, args) : id;

        /// <summary>
        /// The Result column of a terminate result's table view: what its result code says, in a few words ("ended",
        /// "unknown: check it"); a refusal by WeChat Pay names the HTTP status.
        /// </summary>
        /// <param name="code">The result's Code.</param>
        /// <param name="statusCode">The result's StatusCode.</param>
        public static string OfResult(string? code, int statusCode) => ResultCodeTable.Of(code, statusCode).ShortText(statusCode);
    }
}
