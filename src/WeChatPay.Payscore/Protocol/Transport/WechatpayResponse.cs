using System;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>Why no HTTP answer came back.</summary>
    internal enum TransportFailure
    {
        None,

        /// <summary>The connection broke after it was made: the request may have been processed.</summary>
        Network,

        /// <summary>No connection could be made: the request never left.</summary>
        ConnectFailed,

        /// <summary>No complete answer within the timeout: the request may have been processed.</summary>
        Timeout,
    }

    /// <summary>What came back for one request: an HTTP answer and its verification, or a transport failure.</summary>
    internal sealed class WechatpayResponse
    {
        public static readonly byte[] EmptyBody = Array.Empty<byte>();

        private ErrorBody? _error;
        private bool _errorParsed;

        private WechatpayResponse()
        {
        }

        /// <summary>0 when there was no HTTP answer.</summary>
        public int StatusCode { get; private set; }

        public byte[] Body { get; private set; } = EmptyBody;

        public bool BodyTruncated { get; private set; }

        /// <summary>
        /// WeChat Pay's error body {"code","message"}, when the body is one: parsed once, since the sender, the run's
        /// health and the row each classify the same answer (<see cref="WechatpayAnswer"/>).
        /// </summary>
        public ErrorBody? Error
        {
            get
            {
                if (!_errorParsed)
                {
                    _error = ErrorBody.TryParse(Body);
                    _errorParsed = true;
                }

                return _error;
            }
        }

        public string? ContentType { get; private set; }

        public string? RequestId { get; private set; }

        public string? Location { get; private set; }

        public VerificationResult Verification { get; private set; }

        /// <summary>The Wechatpay-* headers the answer came with; null for a transport failure.</summary>
        public SignatureHeaders? Signature { get; private set; }

        public TransportFailure Failure { get; private set; }

        /// <summary>How long WeChat Pay asks the client to wait before sending again (Retry-After of a 429 or 503); null when it does not say.</summary>
        public TimeSpan? RetryAfter { get; private set; }

        /// <summary>WeChat Pay's clock when it answered (Wechatpay-Timestamp, else Date); null when the answer does not say.</summary>
        public DateTimeOffset? ServerTime { get; private set; }

        /// <summary>
        /// The answer's Date header: the clock of whatever answered, unsigned; null when there is none. Tells WeChat
        /// Pay's clock when its answer carries no verifiable Wechatpay-Timestamp (a refused request's answer may not).
        /// </summary>
        public DateTimeOffset? Date { get; private set; }

        /// <summary>For a transport failure: what went wrong, in words.</summary>
        public string? FailureMessage { get; private set; }

        /// <summary>True for a transport failure, whose message is then known to be set (only <see cref="TransportError"/> sets it).</summary>
        public bool IsTransportFailure([NotNullWhen(true)] out string? message)
        {
            message = FailureMessage;
            return message != null;
        }

        public static WechatpayResponse Answer(
            HttpStatusCode status,
            byte[] body,
            bool bodyTruncated,
            string? contentType,
            string? requestId,
            string? location,
            VerificationResult verification,
            TimeSpan? retryAfter = null,
            DateTimeOffset? serverTime = null,
            SignatureHeaders? signature = null,
            DateTimeOffset? date = null) =>
            new WechatpayResponse
            {
                Date = date,
                Signature = signature,
                RetryAfter = retryAfter,
                ServerTime = serverTime,
                StatusCode = (int)status,
                Body = body,
                BodyTruncated = bodyTruncated,
                ContentType = contentType,
                RequestId = requestId,
                Location = location,
                Verification = verification,
            };

        /// <summary>The same answer, verified again (after the keys it is checked with changed).</summary>
        public WechatpayResponse WithVerification(VerificationResult verification)
        {
            var copy = (WechatpayResponse)MemberwiseClone();
            copy.Verification = verification;
            return copy;
        }

        public static WechatpayResponse TransportError(TransportFailure failure, string message) =>
            new WechatpayResponse { Failure = failure, FailureMessage = message };
    }
}
