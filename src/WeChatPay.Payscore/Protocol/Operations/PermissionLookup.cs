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
                QueryAnswer outcome = await _query.QueryAsync(target, diagnostics, cancellationToken).ConfigureAwait(false);
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
                    result.Message = WechatpayCodes.StateOf(outcome.WechatpayState).Description;
                }
                else
                {
                    result.Code = outcome.FailureCode ?? ResultCodes.Timeout;
                    result.Message = Messages.Format("Protocol.StateNotKnown", KeyFile.Capitalize(outcome.Description));
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                result.Code = ResultCodes.InternalError;
                result.Message = Messages.Format("Protocol.RowFailedInModule", ex.GetType().Name, ex.Message);
            }

            result.Elapsed = stopwatch.Elapsed;
            result.CompletedAt = DateTimeOffset.UtcNow;
            return result;
        }
    }
}
