using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>What the query says of one authorization.</summary>
    internal enum AuthorizationState
    {
        /// <summary>The query failed or its answer could not be trusted: nothing is known.</summary>
        Unknown,

        /// <summary>The user's authorization stands: a terminate has not taken effect.</summary>
        Available,

        /// <summary>UNAVAILABLE or UNBINDUSER: the authorization is ended.</summary>
        Ended,
    }

    /// <summary>The answer of one query, and why it settles nothing when it does not.</summary>
    internal sealed class QueryAnswer
    {
        public QueryAnswer(AuthorizationState state, string? wechatpayState, string? requestId, int attempts, string description)
        {
            State = state;
            WechatpayState = wechatpayState;
            RequestId = requestId;
            Attempts = attempts;
            Description = description;
        }

        /// <summary>The answer the outcome was read from (its status, body and verification).</summary>
        public WechatpayResponse? Response { get; internal set; }

        /// <summary>For an unknown state: the code a failed query reports (WeChat Pay's own when it refused, the module's otherwise).</summary>
        public string? FailureCode { get; internal set; }

        public DateTimeOffset? AuthorizationTime { get; internal set; }

        public DateTimeOffset? CancelAuthorizationTime { get; internal set; }

        public AuthorizationState State { get; }

        /// <summary>WeChat Pay's own word: AVAILABLE, UNAVAILABLE or UNBINDUSER.</summary>
        public string? WechatpayState { get; }

        public string? RequestId { get; }

        public int Attempts { get; }

        public string Description { get; }
    }

    /// <summary>
    /// Asks WeChat Pay whether an authorization still stands (by openid, by authorization code, or as a service
    /// provider: see <see cref="AuthorizationTarget.QueryPath"/>), signed, verified, paced and retried like every call;
    /// being a GET that changes nothing, it also asks again (within -MaxRetries) when its own answer is lost or cannot
    /// be trusted. Used by Get-WxPayscorePermission, to settle a terminate whose answer was lost or could not be
    /// trusted, and to tell whether a refused terminate was already ended.
    /// </summary>
    internal sealed class PermissionQuery
    {
        private readonly ResilientSender _sender;

        public PermissionQuery(ResilientSender sender)
        {
            _sender = sender;
        }

        public async Task<QueryAnswer> QueryAsync(AuthorizationTarget target, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            SentRequest outcome = await _sender
                .SendAsync(TargetKindTable.Of(target.Kind).Query.Method, target.QueryPath, WechatpayResponse.EmptyBody, diagnostics, cancellationToken)
                .ConfigureAwait(false);
            WechatpayResponse response = outcome.Response;
            var classified = WechatpayAnswer.Of(response, 200, outcome.Attempts);
            switch (classified.Kind)
            {
                case AnswerKind.NotSent:
                case AnswerKind.Lost:
                    return Unknown(outcome, classified, Messages.Format("Protocol.QueryNoAnswer", response.FailureMessage));
                case AnswerKind.Untrusted:
                    return Unknown(outcome, classified, Messages.Format("Protocol.QueryUnverified", response.Verification.Message));
                case AnswerKind.Refused:
                    return Unknown(outcome, classified, Messages.Format("Protocol.QueryRefused", response.StatusCode, classified.Code, classified.Message));
                case AnswerKind.Unexpected:
                    return Unknown(outcome, classified, Messages.Format("Protocol.QueryUnreadable", classified.Message));
            }

            string? state = ReadString(response.Body, "authorization_state");
            QueryAnswer answer;
            switch (WechatpayCodes.StateOf(state).State)
            {
                case AuthorizationState.Available:
                    answer = new QueryAnswer(AuthorizationState.Available, state, response.RequestId, outcome.Attempts, Messages.Format("Protocol.QueryStillAvailable"));
                    break;
                case AuthorizationState.Ended:
                    answer = new QueryAnswer(AuthorizationState.Ended, state, response.RequestId, outcome.Attempts, Messages.Format("Protocol.QuerySaysEnded", state));
                    break;
                default:
                    string shown = state != null ? UserText.Excerpt(state) : Messages.Format("Protocol.NoStateGiven");
                    return Unknown(outcome, classified, Messages.Format("Protocol.QueryStateNotKnown", shown), ResultCodes.UnexpectedResponse);
            }

            answer.Response = response;
            answer.AuthorizationTime = ReadAuthorizationTime(response.Body);
            answer.CancelAuthorizationTime = ReadTime(response.Body, "cancel_authorization_time");
            return answer;
        }

        internal static string? ReadString(byte[] body, string name)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(body))
                {
                    return document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty(name, out JsonElement value)
                        && value.ValueKind == JsonValueKind.String
                        ? value.GetString()
                        : null;
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>WeChat Pay documents authorization_success_time; answers have also been seen with authorization_time.</summary>
        internal static DateTimeOffset? ReadAuthorizationTime(byte[] body) =>
            ReadTime(body, "authorization_success_time") ?? ReadTime(body, "authorization_time");

        /// <summary>WeChat Pay writes times as RFC 3339 with the China offset, e.g. 2015-05-20T13:29:35+08:00.</summary>
        private static DateTimeOffset? ReadTime(byte[] body, string name) =>
            DateTimeOffset.TryParse(ReadString(body, name), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset time)
                ? time
                : (DateTimeOffset?)null;

        private static QueryAnswer Unknown(SentRequest outcome, WechatpayAnswer answer, string description, string? code = null) =>
            new QueryAnswer(AuthorizationState.Unknown, null, outcome.Response.RequestId, outcome.Attempts, description)
            {
                Response = outcome.Response,
                FailureCode = code ?? answer.Code,
            };
    }
}
