using System.Collections.Generic;
using System.Management.Automation;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Asks WeChat Pay, row by row, whether each user's Pay Score authorization stands: to preview a batch before
    /// ending it, and to audit it afterwards. Read-only; signed, verified, paced and retried like the terminate.
    /// </summary>
    /// <remarks>
    /// <para>
    /// It takes the same rows as Invoke-WxPayscoreTerminate (openid, authorization_code or sub_mchid rows, even
    /// mixed in one CSV) and calls the matching query endpoint, one signed GET per row. AuthorizationState is
    /// AVAILABLE (the authorization stands), UNAVAILABLE (ended) or UNBINDUSER (the user unbound it), with
    /// AuthorizationTime and CancelAuthorizationTime; it is empty when the answer did not verify or WeChat Pay
    /// refused, and Code says why.
    /// </para>
    /// <para>
    /// Nothing is changed, so there is no -WhatIf. A row with bad input gets an INVALID_INPUT result and is not
    /// sent. Its results pipe straight into Invoke-WxPayscoreTerminate, which reads their OpenId, ServiceId, AppId,
    /// AuthorizationCode and sub-merchant properties.
    /// </para>
    /// <para>
    /// With -StopAfter (a time budget) no row starts once the budget is spent: the rows in flight finish, every later
    /// row gets NOT_STARTED without a request, and one warning counts them.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "WxPayscorePermission", DefaultParameterSetName = OpenIdSet)]
    [OutputType(typeof(PayscorePermission))]
    public sealed class GetWxPayscorePermissionCommand : WxPayscoreBulkCommandBase
    {
        private PermissionLookup? _lookup;

        internal override string ProgressActivity => Messages.Format("Command.PermissionProgress");

        internal override void BeginCommand(ResilientSender sender) => _lookup = new PermissionLookup(sender);

        internal override RowStep ProcessRow(long rowNumber, RowFields fields, object input)
        {
            if (!AuthorizationTarget.TryCreate(fields, out AuthorizationTarget? target, out IReadOnlyList<string> problems))
            {
                return RowStep.Finish(new FinishedRow(input, PayscoreRowResult.InvalidInput<PayscorePermission>(rowNumber, fields, problems), null));
            }

            Diagnostics? diagnostics = WantDiagnostics ? new Diagnostics() : null;
            PermissionLookup lookup = Begun(_lookup);
            return RowStep.Send(async stopping =>
            {
                PayscorePermission result = await lookup.LookUpAsync(rowNumber, target, diagnostics, stopping).ConfigureAwait(false);
                return new FinishedRow(input, result, diagnostics);
            });
        }

        internal override PayscoreRowResult NotStarted(long rowNumber, RowFields fields, string? why = null) => PayscoreRowResult.NotStarted<PayscorePermission>(rowNumber, fields, why);

        internal override string HowToContinue => Messages.Format("Command.PermissionContinue", ResultCodes.NotStarted);

        internal override ErrorRecord ErrorOf(FinishedRow outcome)
        {
            var result = (PayscorePermission)outcome.Result;
            (string errorId, ErrorCategory category) = ClassifyFailure(result);
            return new ErrorRecord(new PermissionRowException(result), errorId, category, outcome.Input);
        }
    }
}
