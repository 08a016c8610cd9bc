namespace WeChatPay.Payscore
{
    /// <summary>
    /// The codes this module puts in <see cref="PayscoreRowResult.Code"/> besides WeChat Pay's own error
    /// codes (PARAM_ERROR, NO_AUTH, SIGN_ERROR, ...), which are passed through unchanged.
    /// </summary>
    public static class ResultCodes
    {
        /// <summary>WeChat Pay answered 204 and the answer's signature verified: the authorization is ended.</summary>
        public const string Ok = "OK";

        /// <summary>The row broke a field rule; nothing was sent.</summary>
        public const string InvalidInput = "INVALID_INPUT";

        /// <summary>An answer came whose signature is missing, wrong, stale or from an unknown key: the outcome is not known.</summary>
        public const string ResponseUnverified = "RESPONSE_UNVERIFIED";

        /// <summary>WeChat Pay's deliberate signature probe: the request reached WeChat Pay, the outcome is not verified.</summary>
        public const string SignatureProbe = "SIGNATURE_PROBE";

        /// <summary>An answer that is neither a success nor a WeChat Pay error (HTML, garbage, a redirect, an oversized body).</summary>
        public const string UnexpectedResponse = "UNEXPECTED_RESPONSE";

        /// <summary>No HTTP answer: connection refused, reset, DNS or TLS failure.</summary>
        public const string NetworkError = "NETWORK_ERROR";

        /// <summary>No complete answer within -TimeoutSec; the request may or may not have been processed.</summary>
        public const string Timeout = "TIMEOUT";

        /// <summary>
        /// The terminate's answer was lost or could not be trusted, and WeChat Pay's query says the authorization is
        /// ended (UNAVAILABLE or UNBINDUSER): done, whether by this request or before it.
        /// </summary>
        public const string SettledByQuery = "SETTLED_BY_QUERY";

        /// <summary>The journal of an earlier run says this authorization was ended; nothing was sent.</summary>
        public const string AlreadyDone = "ALREADY_DONE";

        /// <summary>The same (openid, service_id, route) came earlier in this run; this row was not sent (see the message for that row).</summary>
        public const string Duplicate = "DUPLICATE";

        /// <summary>A terminate may have happened but its answer was lost, and the query that should settle it failed too.</summary>
        public const string OutcomeUnknown = "OUTCOME_UNKNOWN";

        /// <summary>The module itself failed on the row (a defect); whether a request was sent is in the message.</summary>
        public const string InternalError = "INTERNAL_ERROR";

        /// <summary>
        /// WeChat Pay refused the terminate (INVALID_REQUEST or NO_AUTH), and its query says the authorization is
        /// ended (UNAVAILABLE or UNBINDUSER): WeChat Pay says it was already ended; this request changed nothing.
        /// </summary>
        public const string AlreadyEnded = "ALREADY_ENDED";

        /// <summary>
        /// The time budget (-StopAfter) was spent before this row came, so it was not started: nothing was sent. The rerun
        /// with the same journal sends it.
        /// </summary>
        public const string NotStarted = "NOT_STARTED";
    }
}
