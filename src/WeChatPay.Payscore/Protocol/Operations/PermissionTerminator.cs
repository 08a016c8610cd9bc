using System;
using System.Collections.Generic;
using System.Diagnostics;
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
        /// <summary>A terminate that WeChat Pay did answers 204 with an empty body.</summary>
        private const int ExpectedStatus = 204;

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

        /// <summary>A row that was not started (<see cref="PayscoreRowResult.NotStarted{T}"/>), with the route its values would take.</summary>
        public static TerminateResult NotStarted(long rowNumber, TerminateRoute route, RowFields fields, string? why = null)
        {
            TerminateResult result = PayscoreRowResult.NotStarted<TerminateResult>(rowNumber, fields, why);
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
        public Task<TerminateResult> TerminateAsync(long rowNumber, TerminateRequest request, bool askFirst, Diagnostics? diagnostics, CancellationToken cancellationToken) =>
            RunAsync(rowNumber, request, askFirst ? Messages.Format("Protocol.EarlierRunMayHaveSent") : null, diagnostics, cancellationToken);

        /// <summary>
        /// Asks once more about a row whose settlement <paramref name="earlier"/> failed (OUTCOME_UNKNOWN: see
        /// <see cref="ResultCodeInfo.AskAgain"/>), with a fresh -MaxRetries: WeChat Pay's query first. Ended settles the row
        /// (SETTLED_BY_QUERY); a query that fails again leaves the earlier result as it was, its message saying so;
        /// only a query that says the authorization is still AVAILABLE (so nothing sent before ended it) sends the
        /// terminate again, as the row would have been sent at first. Attempts and Elapsed count both times.
        /// </summary>
        public async Task<TerminateResult> AskAgainAsync(TerminateResult earlier, TerminateRequest request, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            TimeSpan before = earlier.Elapsed;
            string why = Messages.Format("Protocol.AskedAgainWhy", earlier.Code);
            TerminateResult result = earlier;
            try
            {
                QueryAnswer query = await _query.QueryAsync(request.Target, diagnostics, cancellationToken).ConfigureAwait(false);
                diagnostics?.Verbose.Add(Messages.Format("Protocol.AskedAgainVerbose", earlier.RowNumber, query.Description));
                switch (query.State)
                {
                    case AuthorizationState.Ended:
                        Ended(result, query, ResultCodes.SettledByQuery, Messages.Format("Protocol.AskedAgainEnded", why, query.Description));
                        break;
                    case AuthorizationState.Available:
                        result = await RunAsync(earlier.RowNumber, request, null, diagnostics, cancellationToken).ConfigureAwait(false);
                        result.Message = Messages.Format("Protocol.AskedAgainSentAgain", why, query.Description, result.Message);
                        result.Attempts += earlier.Attempts;
                        break;
                    default:
                        result.Message = Messages.Format("Protocol.AskedAgainStillNotKnown", result.Message, query.Description);
                        break;
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // A defect must not cost the row its result: the earlier one stands.
                result.Message = Messages.Format("Protocol.AskingAgainFailedInModule", result.Message, ex.GetType().Name, ex.Message);
            }

            result.Elapsed = before + stopwatch.Elapsed;
            result.CompletedAt = DateTimeOffset.UtcNow;
            return result;
        }

        private async Task<TerminateResult> RunAsync(long rowNumber, TerminateRequest request, string? askFirst, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = new TerminateResult { RowNumber = rowNumber, Route = request.Route };
            result.Identify(request.Target.Fields);

            try
            {
                string? why = askFirst;
                while (true)
                {
                    if (why != null)
                    {
                        QueryAnswer query = await _query.QueryAsync(request.Target, diagnostics, cancellationToken).ConfigureAwait(false);
                        diagnostics?.Verbose.Add(Messages.Format("Protocol.AskedVerbose", rowNumber, why, query.Description));
                        if (query.State == AuthorizationState.Ended)
                        {
                            Ended(result, query, ResultCodes.SettledByQuery, Messages.Format("Protocol.AskedEnded", why, query.Description));
                            break;
                        }

                        if (query.State == AuthorizationState.Unknown)
                        {
                            Set(result, ResultCodes.OutcomeUnknown, Messages.Format("Protocol.AskedNotKnown", why, query.Description));
                            break;
                        }

                        if (result.Attempts >= _maxAttempts)
                        {
                            result.Message = Messages.Format("Protocol.NoRetriesLeft", result.Message, query.Description);
                            break;
                        }
                    }

                    SentRequest outcome = await _sender
                        .SendAsync(request.Endpoint.Method, request.PathAndQuery, request.Body, diagnostics, cancellationToken, _maxAttempts - result.Attempts)
                        .ConfigureAwait(false);
                    result.Attempts += outcome.Attempts;
                    result.StatusCode = outcome.Response.StatusCode;
                    result.RequestId = outcome.Response.RequestId;
                    WechatpayAnswer answer = WechatpayAnswer.Of(outcome.Response, ExpectedStatus, outcome.Attempts);
                    Interpret(answer, result, diagnostics);
                    if (answer.Kind == AnswerKind.Refused && (answer.MayMeanAlreadyEnded || answer.IsUnsigned))
                    {
                        await SettleRefusalAsync(result, request.Target, answer.IsUnsigned, diagnostics, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    if (result.Success || !answer.MayHaveLanded)
                    {
                        break;
                    }

                    why = Messages.Format("Protocol.AttemptLeftOpen", result.Attempts, WhyOpen(answer));
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // A defect must not cost the row its result; the request may or may not have left.
                result.Success = false;
                result.Code = ResultCodes.InternalError;
                result.Message = Messages.Format("Protocol.RowFailedOutcomeNotKnown", ex.GetType().Name, ex.Message);
            }

            result.Elapsed = stopwatch.Elapsed;
            result.CompletedAt = DateTimeOffset.UtcNow;
            return result;
        }

        /// <summary>
        /// A refusal that the query must judge: one WeChat Pay also gives for an authorization already ended (400
        /// INVALID_REQUEST, 403 NO_AUTH), or an unsigned one (some WeChat Pay error answers come without signature
        /// headers), which is not WeChat Pay's verified word. Nothing is sent again, whatever the query says: a row costs
        /// at most this one settling query. Ended makes the row a success: ALREADY_ENDED after a verified refusal (this
        /// request changed nothing), SETTLED_BY_QUERY after an unsigned one (it cannot say even that); still available,
        /// or a query that fails, leaves the refusal as the row's result.
        /// </summary>
        private async Task SettleRefusalAsync(TerminateResult result, AuthorizationTarget target, bool unsigned, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            QueryAnswer query = await _query.QueryAsync(target, diagnostics, cancellationToken).ConfigureAwait(false);
            string refusal = $"{result.Code}: {result.Message}";
            diagnostics?.Verbose.Add(unsigned
                ? Messages.Format("Protocol.RefusedUnsignedAskedVerbose", result.RowNumber, result.Code, query.Description)
                : Messages.Format("Protocol.RefusedAskedVerbose", result.RowNumber, result.Code, query.Description));
            if (query.State == AuthorizationState.Ended)
            {
                if (unsigned)
                {
                    Ended(result, query, ResultCodes.SettledByQuery, Messages.Format("Protocol.UnsignedRefusalEnded", refusal, query.Description));
                }
                else
                {
                    Ended(result, query, ResultCodes.AlreadyEnded, Messages.Format("Protocol.AlreadyEnded", refusal, query.Description));
                }

                return;
            }

            result.Message = query.State == AuthorizationState.Available
                ? Messages.Format("Protocol.RefusalStillAvailable", result.Message, query.Description)
                : Messages.Format("Protocol.RefusalNotKnownIfEnded", result.Message, query.Description);
        }

        private static string WhyOpen(WechatpayAnswer answer)
        {
            switch (answer.Kind)
            {
                case AnswerKind.Lost:
                    return answer.Response.Failure == TransportFailure.Timeout
                        ? Messages.Format("Protocol.OpenTimeout")
                        : Messages.Format("Protocol.OpenConnectionBroke");
            }

            return answer.Code == ResultCodes.SignatureProbe
                ? Messages.Format("Protocol.OpenSignatureProbe", answer.StatusCode)
                : Messages.Format("Protocol.OpenUnverified", answer.StatusCode, answer.Response.Verification.Message);
        }

        /// <summary>Success means exactly one thing: a 204 whose signature verified.</summary>
        internal static void Interpret(WechatpayAnswer answer, TerminateResult result, Diagnostics? diagnostics)
        {
            result.Success = answer.Kind == AnswerKind.Success;
            Set(result, answer.Code, result.Success ? Messages.Format("Protocol.AuthorizationTerminated") : answer.Message);
            if (answer.Error?.TruncatedSignMessage != null)
            {
                diagnostics?.Verbose.Add(Messages.Format("Protocol.SignMessageVerbose", answer.Error.TruncatedSignMessage));
            }
        }

        /// <summary>The query says the authorization is ended: the row is done, and the query's Request-ID is the one to quote.</summary>
        private static void Ended(TerminateResult result, QueryAnswer query, string code, string message)
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
