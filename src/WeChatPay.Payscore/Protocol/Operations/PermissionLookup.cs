using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Crypto;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// The path of one row of Get-WxPayscorePermission: validated identifiers -> the signed, paced, retried query ->
    /// verified answer -> <see cref="PayscorePermission"/>. Knows nothing of PowerShell.
    /// </summary>
    internal sealed class PermissionLookup
    {
        private readonly PermissionQuery _query;

        public PermissionLookup(ResilientSender sender)
        {
            _query = new PermissionQuery(sender);
        }

        public async Task<PayscorePermission> LookUpAsync(long rowNumber, AuthorizationTarget target, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = new PayscorePermission { RowNumber = rowNumber };
            result.Identify(target.Fields);
            try
            {
                QueryOutcome outcome = await _query.QueryAsync(target, diagnostics, cancellationToken).ConfigureAwait(false);
                WechatpayResponse? response = outcome.Response;
                result.Attempts = outcome.Attempts;
                result.RequestId = outcome.RequestId;
                result.StatusCode = response?.StatusCode ?? 0;
                if (outcome.State != AuthorizationState.Unknown)
                {
                    result.Success = true;
                    result.AuthorizationState = outcome.WechatpayState;
                    result.AuthorizationTime = outcome.AuthorizationTime;
                    result.CancelAuthorizationTime = outcome.CancelAuthorizationTime;
                    result.Code = ResultCodes.Ok;
                    result.Message = Describe(outcome.WechatpayState);
                }
                else
                {
                    (result.Code, result.Message) = Failure(response, outcome.Description);
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                result.Code = ResultCodes.InternalError;
                result.Message = $"The module failed on this row ({ex.GetType().Name}: {ex.Message}).";
            }

            result.Elapsed = stopwatch.Elapsed;
            result.CompletedAt = DateTimeOffset.UtcNow;
            return result;
        }

        private static string Describe(string? state)
        {
            switch (state)
            {
                case "AVAILABLE": return "The user's authorization stands.";
                case "UNAVAILABLE": return "The authorization is ended.";
                case "UNBINDUSER": return "The user has unbound the service.";
                default: return string.Empty;
            }
        }

        /// <summary>The code a failed query reports: WeChat Pay's own when it refused, the module's otherwise.</summary>
        private static (string Code, string Message) Failure(WechatpayResponse? response, string description)
        {
            string said = KeyFile.Capitalize(description) + ".";
            if (response == null || response.Failure == TransportFailure.Timeout)
            {
                return (ResultCodes.Timeout, said);
            }

            if (response.Failure != TransportFailure.None)
            {
                return (ResultCodes.NetworkError, said);
            }

            if (!response.Verification.IsVerified)
            {
                return (ResultCodes.ResponseUnverified, said);
            }

            ErrorBody? error = ErrorBody.TryParse(response.Body);
            return error != null
                ? (error.Code, error.Message.Length > 0 ? error.Message : $"HTTP {response.StatusCode}")
                : (ResultCodes.UnexpectedResponse, said);
        }
    }
}
