using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The path of one row: validated request -> signed send (paced, retried) -> verified answer -> the query when
    /// the answer leaves the outcome open -> <see cref="TerminateResult"/>. Knows nothing of PowerShell.
    /// </summary>
    internal sealed class PermissionTerminator
    {
        private readonly ResilientSender _sender;
        private readonly PermissionQuery _query;
        private readonly int _maxAttempts;

        public PermissionTerminator(ResilientSender sender, int maxRetries)
        {
            _sender = sender;
            _query = new PermissionQuery(sender);
            _maxAttempts = maxRetries + 1;
        }

        public static TerminateResult InvalidInput(long rowNumber, TerminateRoute route, RowFields fields, IReadOnlyList<string> problems)
        {
            TerminateResult result = PayscoreRowResult.InvalidInput<TerminateResult>(rowNumber, fields, problems);
            result.Route = route;
            return result;
        }

        /// <summary>A valid row that is not sent: a duplicate of an earlier row, or one an earlier run already ended.</summary>
        public static TerminateResult NotSent(long rowNumber, TerminateRequest request, string code, bool success, string message)
        {
            TerminateResult result = PayscoreRowResult.NotSent<TerminateResult>(rowNumber, request.Target.Fields, code, success, message);
            result.Route = request.Route;
            return result;
        }

        /// <summary>
        /// Ends one authorization. When an answer is lost or cannot be trusted (or <paramref name="askFirst"/>, for a
        /// row an earlier run may have sent), WeChat Pay's query decides: ended means done, still available means
        /// send (again, within the retries), and a failed query means the outcome is unknown. Nothing that may have
        /// landed is sent again without asking. The row's terminates share -MaxRetries; each query has its own, so
        /// that a flaky query does not use up the terminate's. A refusal that may mean "already ended" is checked
        /// with the query too, and never sent again.
        /// </summary>
        public async Task<TerminateResult> TerminateAsync(long rowNumber, TerminateRequest request, bool askFirst, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = new TerminateResult { RowNumber = rowNumber, Route = request.Route };
            result.Identify(request.Target.Fields);

            try
            {
                string? why = askFirst ? "An earlier run may have sent this row (its journal has no final answer for it)" : null;
                while (true)
                {
                    if (why != null)
                    {
                        QueryOutcome query = await _query.QueryAsync(request.Target, diagnostics, cancellationToken).ConfigureAwait(false);
                        diagnostics?.Verbose.Add($"Row {rowNumber}: {why}; asked WeChat Pay: {query.Description}.");
                        if (query.State == AuthorizationState.Ended)
                        {
                            Ended(result, query, ResultCodes.SettledByQuery, $"{why}. {query.Description}: the authorization is ended.");
                            break;
                        }

                        if (query.State == AuthorizationState.Unknown)
                        {
                            Set(result, ResultCodes.OutcomeUnknown, $"{why}, and {query.Description}: whether the authorization was ended is not known. Check it before sending this row again.");
                            break;
                        }

                        if (result.Attempts >= _maxAttempts)
                        {
                            result.Message += $" {query.Description}; no retries are left.";
                            break;
                        }
                    }

                    SendOutcome outcome = await _sender
                        .SendAsync(HttpMethod.Post, request.PathAndQuery, request.Body, diagnostics, cancellationToken, _maxAttempts - result.Attempts)
                        .ConfigureAwait(false);
                    result.Attempts += outcome.Attempts;
                    result.Success = false;
                    result.StatusCode = outcome.Response.StatusCode;
                    result.RequestId = outcome.Response.RequestId;
                    Interpret(outcome.Response, result, diagnostics);
                    if (IsRefusedAsAlreadyEnded(outcome.Response, result.Code))
                    {
                        await CheckAlreadyEndedAsync(result, request.Target, diagnostics, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    if (result.Success || !MayHaveLanded(outcome.Response))
                    {
                        break;
                    }

                    why = $"Attempt {result.Attempts}: {WhyOpen(outcome.Response)}";
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // A defect must not cost the row its result; the request may or may not have left.
                result.Success = false;
                result.Code = ResultCodes.InternalError;
                result.Message = $"The module failed on this row ({ex.GetType().Name}: {ex.Message}); the outcome is not known: check the authorization state before sending again.";
            }

            result.Elapsed = stopwatch.Elapsed;
            result.CompletedAt = DateTimeOffset.UtcNow;
            return result;
        }

        /// <summary>
        /// WeChat Pay refuses to end an authorization that is already ended, and says so in more than one way
        /// (400 INVALID_REQUEST 该用户的授权已解除，无需重复解除, 403 NO_AUTH 请检查服务授权状态), codes it also gives
        /// for other reasons: only its query tells. An unverified refusal is not WeChat Pay's word, and is left as it is.
        /// </summary>
        internal static bool IsRefusedAsAlreadyEnded(WechatpayResponse response, string code) =>
            response.Failure == TransportFailure.None
            && response.Verification.IsVerified
            && ((response.StatusCode == 400 && code == "INVALID_REQUEST") || (response.StatusCode == 403 && code == "NO_AUTH"));

        /// <summary>
        /// A refusal: nothing landed, so whatever the query says, nothing is sent again. Ended makes the row a
        /// success (ALREADY_ENDED); still available, or a query that fails, leaves the refusal as the row's result.
        /// </summary>
        private async Task CheckAlreadyEndedAsync(TerminateResult result, AuthorizationTarget target, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            QueryOutcome query = await _query.QueryAsync(target, diagnostics, cancellationToken).ConfigureAwait(false);
            diagnostics?.Verbose.Add($"Row {result.RowNumber}: WeChat Pay refused the terminate ({result.Code}); asked whether it was already ended: {query.Description}.");
            if (query.State == AuthorizationState.Ended)
            {
                Ended(result, query, ResultCodes.AlreadyEnded, $"WeChat Pay says it was already ended: it refused the terminate ({result.Code}: {result.Message}), and {query.Description}.");
                return;
            }

            result.Message += query.State == AuthorizationState.Available
                ? $" {query.Description}."
                : $" Whether it was already ended is not known: {query.Description}.";
        }

        private static string WhyOpen(WechatpayResponse response)
        {
            switch (response.Failure)
            {
                case TransportFailure.Network:
                    return "the connection broke after the request was sent";
                case TransportFailure.Timeout:
                    return "no complete answer came within -TimeoutSec";
            }

            return response.Verification.Status == VerificationStatus.SignatureProbe
                ? $"WeChat Pay answered {response.StatusCode} with a signature probe instead of a verifiable answer"
                : $"WeChat Pay answered {response.StatusCode}, but the answer is not verified ({response.Verification.Message})";
        }

        /// <summary>
        /// True when the request may have been processed although no trustworthy answer says so: the connection broke
        /// after sending, no answer came in time, or a 2xx answer failed verification (a probe included).
        /// </summary>
        internal static bool MayHaveLanded(WechatpayResponse response)
        {
            switch (response.Failure)
            {
                case TransportFailure.Network:
                case TransportFailure.Timeout:
                    return true;
                case TransportFailure.ConnectFailed:
                    return false;
            }

            return response.StatusCode >= 200 && response.StatusCode < 300 && !response.Verification.IsVerified;
        }

        /// <summary>Success means exactly one thing: a 204 whose signature verified.</summary>
        internal static void Interpret(WechatpayResponse response, TerminateResult result, Diagnostics? diagnostics)
        {
            if (response.IsTransportFailure(out string? failure))
            {
                switch (response.Failure)
                {
                    case TransportFailure.Network:
                        Set(result, ResultCodes.NetworkError, failure + "; the connection broke after the request was sent, so it may have been processed.");
                        return;
                    case TransportFailure.ConnectFailed:
                        Set(result, ResultCodes.NetworkError, failure + "; no connection was made, so nothing was sent.");
                        return;
                    case TransportFailure.Timeout:
                        Set(result, ResultCodes.Timeout, failure);
                        return;
                }
            }

            int status = response.StatusCode;
            VerificationResult verification = response.Verification;
            if (status >= 200 && status < 300)
            {
                if (verification.Status == VerificationStatus.SignatureProbe)
                {
                    Set(result, ResultCodes.SignatureProbe, $"WeChat Pay answered {status} but the answer is a signature probe: the request reached WeChat Pay, its outcome is not verified. Check the authorization state before sending again.");
                }
                else if (!verification.IsVerified)
                {
                    Set(result, ResultCodes.ResponseUnverified, $"WeChat Pay answered {status} but the answer is not verified: {verification.Message} Do not treat the row as done.");
                }
                else if (status == 204)
                {
                    result.Success = true;
                    Set(result, ResultCodes.Ok, "Authorization terminated.");
                }
                else
                {
                    Set(result, ResultCodes.UnexpectedResponse, $"WeChat Pay answered {status} where 204 was expected, with {ErrorBody.Describe(response.Body, response.ContentType)}.");
                }

                return;
            }

            if (status >= 300 && status < 400)
            {
                Set(result, ResultCodes.UnexpectedResponse, $"WeChat Pay answered {status} (redirect to '{response.Location ?? "nowhere"}'); redirects are not followed.");
                return;
            }

            if (response.BodyTruncated)
            {
                Set(result, ResultCodes.UnexpectedResponse, $"HTTP {status} with a body over the size limit; it was cut off.");
                return;
            }

            ErrorBody? error = ErrorBody.TryParse(response.Body);
            if (error == null)
            {
                Set(result, ResultCodes.UnexpectedResponse, $"HTTP {status} with {ErrorBody.Describe(response.Body, response.ContentType)}.");
                return;
            }

            string message = error.Message.Length > 0 ? error.Message : $"HTTP {status}";
            if (!verification.IsVerified)
            {
                message += $" (this error answer is not verified: {verification.Message})";
            }

            Set(result, error.Code, message);
            if (error.TruncatedSignMessage != null)
            {
                diagnostics?.Verbose.Add($"WeChat Pay could not verify the request signature; it built the message: {error.TruncatedSignMessage}");
            }
        }

        /// <summary>The query says the authorization is ended: the row is done, and the query's Request-ID is the one to quote.</summary>
        private static void Ended(TerminateResult result, QueryOutcome query, string code, string message)
        {
            result.Success = true;
            result.RequestId = query.RequestId ?? result.RequestId;
            Set(result, code, message);
        }

        private static void Set(TerminateResult result, string code, string message)
        {
            result.Code = code;
            result.Message = message;
        }
    }
}
