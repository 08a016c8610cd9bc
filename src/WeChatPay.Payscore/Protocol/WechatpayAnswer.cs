namespace WeChatPay.Payscore.Protocol
{
    /// <summary>What one answer is, as far as a row is concerned.</summary>
    internal enum AnswerKind
    {
        /// <summary>No connection, or its TLS handshake failed: the request never left.</summary>
        NotSent,

        /// <summary>The connection broke after the request was sent, or no complete answer came in time: it may have been processed.</summary>
        Lost,

        /// <summary>The status the request expects (204 for a terminate, 200 for a query), verified.</summary>
        Success,

        /// <summary>
        /// An answer that cannot be trusted: a 2xx without a valid signature (a probe included), or an error answer whose
        /// signature fails. Whatever it says, the request reached something and may have been processed.
        /// </summary>
        Untrusted,

        /// <summary>
        /// WeChat Pay's error answer (code and message), verified or unsigned: WeChat Pay signs only its 2xx answers
        /// for certain, and some error answers come without signature headers. An unsigned one is never taken as
        /// verified (see <see cref="WechatpayAnswer.IsUnsigned"/>).
        /// </summary>
        Refused,

        /// <summary>Anything else: a redirect, another 2xx than expected, a body that is not WeChat Pay's error, a body cut off.</summary>
        Unexpected,
    }

    /// <summary>
    /// The one classifier of WeChat Pay's answers: from a <see cref="WechatpayResponse"/> (and how many attempts it
    /// took), what kind of answer it is, the row's code and message, and what follows from it (retry, settle by query,
    /// slow down, stop). Terminates, queries, retries, the run's health and the certificate download all read it.
    /// </summary>
    internal sealed class WechatpayAnswer
    {
        private WechatpayAnswer(WechatpayResponse response, AnswerKind kind, string code, string message, ErrorBody? error)
        {
            Response = response;
            Kind = kind;
            Code = code;
            Message = message;
            Error = error;
        }

        public WechatpayResponse Response { get; }

        public AnswerKind Kind { get; }

        /// <summary>The row's code: <see cref="ResultCodes.Ok"/>, one of the module's codes, or WeChat Pay's own error code.</summary>
        public string Code { get; }

        /// <summary>What the answer says, in words (WeChat Pay's own message for a refusal).</summary>
        public string Message { get; }

        /// <summary>WeChat Pay's error body, when the answer has one (whatever its signature).</summary>
        public ErrorBody? Error { get; }

        public int StatusCode => Response.StatusCode;

        /// <summary>An HTTP answer without any of the Wechatpay-* signature headers: never taken as verified.</summary>
        public bool IsUnsigned => Response.Failure == TransportFailure.None && Response.Verification.Status == VerificationStatus.MissingHeaders;

        /// <summary>Any 429 is a rate limit, whatever its code (FREQUENCY_LIMITED, RATELIMIT_EXCEEDED, RATELIMIT_EXCEED, none).</summary>
        public bool IsRateLimit => Response.Failure == TransportFailure.None && StatusCode == 429;

        /// <summary>500, 502 or 503: WeChat Pay (or a gateway before it) did not do the work.</summary>
        public bool IsServerFault => Response.Failure == TransportFailure.None && (StatusCode == 500 || StatusCode == 502 || StatusCode == 503);

        /// <summary>The request may have been processed although nothing trustworthy says so: the query decides.</summary>
        public bool MayHaveLanded => Kind == AnswerKind.Lost || Kind == AnswerKind.Untrusted;

        /// <summary>401 SIGN_ERROR, whether or not the refusal itself verifies (with the clock far off, answers look stale too).</summary>
        public bool IsSignatureRefused =>
            Response.Failure == TransportFailure.None && StatusCode == 401 && Error?.Code == WechatpayCodes.SignError;

        /// <summary>
        /// A refusal WeChat Pay also gives for an authorization that is already ended (400 INVALID_REQUEST, 403 NO_AUTH);
        /// only its query tells which.
        /// </summary>
        public bool MayMeanAlreadyEnded =>
            Kind == AnswerKind.Refused
            && ((StatusCode == 400 && Code == WechatpayCodes.InvalidRequest) || (StatusCode == 403 && Code == WechatpayCodes.NoAuth));

        /// <summary>
        /// GET /v3/certificates' 404 for a merchant that has only the WeChat Pay public key, whatever its signature: it
        /// only chooses the advice given (a merchant with no key configured yet cannot verify it).
        /// </summary>
        public bool MeansPublicKeyOnly => Response.Failure == TransportFailure.None && StatusCode == 404 && Error != null && WechatpayCodes.MeansPublicKeyOnly(Error);

        /// <summary>Classifies <paramref name="response"/> for a request whose success is <paramref name="expectedStatus"/>.</summary>
        /// <param name="attempts">How many attempts the request took, this answer the last: a 500 on every one is not always transient.</param>
        public static WechatpayAnswer Of(WechatpayResponse response, int expectedStatus, int attempts = 1)
        {
            if (response.IsTransportFailure(out string? failure))
            {
                switch (response.Failure)
                {
                    case TransportFailure.ConnectFailed:
                        return new WechatpayAnswer(response, AnswerKind.NotSent, ResultCodes.NetworkError, Messages.Format("Answer.NeverSent", failure), null);
                    case TransportFailure.Timeout:
                        return new WechatpayAnswer(response, AnswerKind.Lost, ResultCodes.Timeout, failure, null);
                    default:
                        return new WechatpayAnswer(response, AnswerKind.Lost, ResultCodes.NetworkError, Messages.Format("Answer.ConnectionBroke", failure), null);
                }
            }

            int status = response.StatusCode;
            VerificationResult verification = response.Verification;
            if (status >= 200 && status < 300)
            {
                if (verification.Status == VerificationStatus.SignatureProbe)
                {
                    return new WechatpayAnswer(response, AnswerKind.Untrusted, ResultCodes.SignatureProbe, Messages.Format("Answer.SuccessIsProbe", status), null);
                }

                if (!verification.IsVerified)
                {
                    return new WechatpayAnswer(response, AnswerKind.Untrusted, ResultCodes.ResponseUnverified, Messages.Format("Answer.SuccessNotVerified", status, verification.Message), null);
                }

                return status == expectedStatus
                    ? new WechatpayAnswer(response, AnswerKind.Success, ResultCodes.Ok, string.Empty, null)
                    : new WechatpayAnswer(response, AnswerKind.Unexpected, ResultCodes.UnexpectedResponse, Messages.Format("Answer.UnexpectedSuccess", status, expectedStatus, ErrorBody.Describe(response.Body, response.ContentType)), null);
            }

            if (status >= 300 && status < 400)
            {
                string redirect = response.Location != null
                    ? Messages.Format("Answer.Redirect", status, UserText.Excerpt(response.Location))
                    : Messages.Format("Answer.RedirectWithoutLocation", status);
                return new WechatpayAnswer(response, AnswerKind.Unexpected, ResultCodes.UnexpectedResponse, redirect, null);
            }

            if (response.BodyTruncated)
            {
                return new WechatpayAnswer(response, AnswerKind.Unexpected, ResultCodes.UnexpectedResponse, Messages.Format("Answer.ErrorBodyCutOff", status), null);
            }

            ErrorBody? error = response.Error;
            if (error == null)
            {
                return new WechatpayAnswer(response, AnswerKind.Unexpected, ResultCodes.UnexpectedResponse, Messages.Format("Answer.NotAnErrorBody", status, ErrorBody.Describe(response.Body, response.ContentType)), null);
            }

            string said = error.Message.Length > 0 ? error.Message : $"HTTP {status}";
            if (status == 500 && attempts > 1)
            {
                said = Messages.Format("Answer.ServerErrorRepeated", said, attempts);
            }

            if (verification.IsVerified)
            {
                return new WechatpayAnswer(response, AnswerKind.Refused, error.Code, said, error);
            }

            if (verification.Status == VerificationStatus.MissingHeaders)
            {
                return new WechatpayAnswer(response, AnswerKind.Refused, error.Code, Messages.Format("Answer.RefusalUnsigned", said), error);
            }

            // A signature that is there and fails: whatever the answer claims, it is not WeChat Pay's word.
            return verification.Status == VerificationStatus.SignatureProbe
                ? new WechatpayAnswer(response, AnswerKind.Untrusted, ResultCodes.SignatureProbe, Messages.Format("Answer.RefusalIsProbe", status, error.Code), error)
                : new WechatpayAnswer(response, AnswerKind.Untrusted, ResultCodes.ResponseUnverified, Messages.Format("Answer.RefusalNotVerified", status, error.Code, said, verification.Message), error);
        }
    }
}
