using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading.Tasks;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Platform;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Ends WeChat Pay Pay Score authorizations, one signed and verified request per input row,
    /// one <see cref="TerminateResult"/> per row.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each row is checked first: a row that breaks an input rule gets an INVALID_INPUT result and an error, is
    /// never sent, and the other rows go on. Each valid row becomes one POST signed with the merchant key, and
    /// WeChat Pay's answer is verified with its public key or platform certificate before the row counts: Success
    /// is True only for a verified 204, or when WeChat Pay's own query or the journal shows the authorization ended.
    /// </para>
    /// <para>
    /// The row's values choose the endpoint, so one CSV may mix kinds of row: openid, service_id and appid end a
    /// merchant's user's authorization (-Route picks one of the two openid endpoints); authorization_code and
    /// service_id end it by the code the merchant gave; sub_mchid, with openid or with sub_openid and sub_appid,
    /// ends a sub-merchant's user's authorization through the service-provider endpoint, with the provider's own
    /// credentials, and sub_mchid with authorization_code and service_id ends it by the sub-merchant's code.
    /// </para>
    /// <para>
    /// Up to -ThrottleLimit requests are in flight at once, paced by -MaxRequestsPerSecond and slowed further by
    /// 429s; 429, 500, 502, 503 and failed connections are retried up to -MaxRetries times. An answer that is lost
    /// or cannot be trusted is settled by WeChat Pay's query before anything is sent again; a row whose query
    /// failed too is asked about once more when the input has ended, after a pause and with a fresh -MaxRetries,
    /// and its result comes then. Results come in the order rows finish: sort by RowNumber for input order.
    /// </para>
    /// <para>
    /// With -JournalPath a row's "sending" record is in the journal before its request leaves, and its final record
    /// before its result is written; rows are read up to 100 ahead so that the records of many rows go in one append
    /// (rows read ahead when the run stops get NOT_STARTED). Run the same command with the same journal to resume
    /// after a crash: the rows it records as ended come back ALREADY_DONE without a request. A row naming the same
    /// authorization as an earlier row of the run is sent once (DUPLICATE).
    /// </para>
    /// <para>
    /// With -StopAfter (a time budget, such as 2:45:00 for a job stopped at 3 hours) no row starts once the budget is
    /// spent: the rows in flight finish, every later row gets NOT_STARTED without a request, and one warning counts
    /// them. Run again with the same -JournalPath to send them.
    /// </para>
    /// <para>
    /// ConfirmImpact is High, so a console asks before each row: runbooks pass -Confirm:$false, and a host that
    /// cannot ask stops the run before anything is sent. -WhatIf sends nothing. Credentials come from the
    /// parameters, else Connect-WxPayscore, else the WXPAY_* environment variables; see about_WeChatPay_Payscore.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Invoke, "WxPayscoreTerminate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = OpenIdSet)]
    [OutputType(typeof(TerminateResult))]
    public class InvokeWxPayscoreTerminateCommand : WxPayscoreBulkCommandBase
    {
        private PermissionTerminator? _terminator;
        private RowLedger _ledger = new RowLedger(null);
        private string? _commandLineReason;

        #region Parameters

        /// <summary>Why the authorization is ended, 1 to 50 characters; from the row's reason column, else this value.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? Reason { get; set; }

        /// <summary>
        /// The endpoint for openid rows. UserPermission (default): /v3/payscore/users/{openid}/permissions/{service_id}/terminate;
        /// OpenIdPermission: /v3/payscore/permissions/openid/{openid}/terminate. Authorization-code and sub_mchid rows have one endpoint each.
        /// </summary>
        [Parameter]
        [ValidateSet(nameof(TerminateRoute.UserPermission), nameof(TerminateRoute.OpenIdPermission))]
        public TerminateRoute Route { get; set; } = TerminateRoute.UserPermission;

        /// <summary>
        /// A JSON Lines file that gets one record per finished row, on disk before the row's result is written. Run
        /// again with the same journal to resume: rows it says are done are not sent again. Also the URL of an Azure
        /// Storage append blob with a SAS token (read, add, create and write), for runbooks whose sandbox keeps no
        /// file: https://account.blob.core.windows.net/container/name.jsonl?SAS. The SAS token is shown nowhere.
        /// </summary>
        [Parameter]
        public string? JournalPath { get; set; }

        #endregion

        internal override void BeginCommand(ResilientSender sender)
        {
            // Only command-line values are bound at this point; pipeline values come per row.
            _commandLineReason = Reason;
            _terminator = new PermissionTerminator(sender, MaxRetries);
            WriteVerbose(Messages.Format("Command.Route", Route));
            if (!Strings.IsEmpty(JournalPath))
            {
                // A blob's address is not a path to resolve; its SAS token is a secret that no message quotes.
                _ledger = new RowLedger(OpenJournal(BlobJournalStore.IsBlobAddress(JournalPath) ? JournalPath! : ResolvePath(JournalPath, PathSetting.JournalPath)));
            }
        }

        private RunJournal OpenJournal(string path)
        {
            RunJournal journal;
            try
            {
                bool readOnly = Preferences.IsPreview(this); // -WhatIf: the journal is read (to show which rows are done) but not written
                journal = RunJournal.Open(OpenJournalStore(path, readOnly), readOnly);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex, BlobJournalStore.IsBlobAddress(path) ? null : path);
            }

            string name = UserText.ExcerptPath(journal.Name);
            WriteVerbose(
                journal.PreviousRecords == 0 ? Messages.Format("Command.JournalNew", name)
                : journal.TornBytes > 0 ? Messages.Format("Command.JournalResumingTorn", name, UserText.Count(journal.PreviousRecords), journal.TornBytes)
                : Messages.Format("Command.JournalResuming", name, UserText.Count(journal.PreviousRecords)));
            return journal;
        }

        /// <summary>The store of the journal at <paramref name="path"/> (a file, or a blob's address); tests put a store that fails in its place.</summary>
        internal virtual IJournalStore OpenJournalStore(string path, bool readOnly) =>
            JournalAccess.OfRun(readOnly).Open(path);

        /// <summary>
        /// Once the journal could not be written (a full disk), no further row is sent: the rows in flight finish
        /// and their results go out, and then the run stops with the journal's error.
        /// </summary>
        internal override void CheckRun()
        {
            if (_ledger.Journal?.Failure is PayscoreException failure)
            {
                throw StopRun(failure, _ledger.Journal.Name);
            }
        }

        internal override string ProgressActivity => Messages.Format("Command.TerminateProgress");

        internal override string? RunJournalPath => _ledger.Journal?.Name;

        internal override PayscoreRowResult NotStarted(long rowNumber, RowFields fields, string? why = null) =>
            PermissionTerminator.NotStarted(rowNumber, TerminateRequest.RouteOf(AuthorizationTarget.KindOf(fields), Route), fields, why);

        internal override string HowToContinue => _ledger.Journal != null
            ? Messages.Format("Command.TerminateContinueWithJournal")
            : Messages.Format("Command.TerminateContinue", ResultCodes.NotStarted);

        internal override string HowToSettle => _ledger.Journal != null
            ? Messages.Format("Command.SettleWithJournal")
            : Messages.Format("Command.Settle");

        internal override RowStep ProcessRow(long rowNumber, RowFields fields, object input)
        {
            string? reason = RowReader.Value(InputObject, "reason", _commandLineReason ?? Reason);

            if (!TerminateRequest.TryCreate(Route, fields, reason, out TerminateRequest? request, out IReadOnlyList<string> problems))
            {
                return RowStep.Finish(new FinishedRow(input, PermissionTerminator.InvalidInput(rowNumber, TerminateRequest.RouteOf(AuthorizationTarget.KindOf(fields), Route), fields, problems), null));
            }

            RowDecision decision = _ledger.Decide(rowNumber, request, out long firstRow);
            if (decision == RowDecision.Duplicate)
            {
                return RowStep.Finish(new FinishedRow(input, PermissionTerminator.NotSent(rowNumber, request, ResultCodes.Duplicate, success: false,
                    Messages.Format("Command.Duplicate", firstRow, request.Target)), null));
            }

            if (decision == RowDecision.AlreadyDone)
            {
                // Its final record is in the journal already; it is not written again.
                return RowStep.Finish(new FinishedRow(input, PermissionTerminator.NotSent(rowNumber, request, ResultCodes.AlreadyDone, success: true,
                    Messages.Format("Command.AlreadyDone", UserText.ExcerptPath(RunJournalPath))), null, journaled: true));
            }

            if (!Approve(Messages.Format("Command.ConfirmTarget", request.Target, rowNumber)))
            {
                return RowStep.Declined;
            }

            bool askFirst = decision == RowDecision.AskFirst;
            Diagnostics? diagnostics = WantDiagnostics ? new Diagnostics() : null;
            PermissionTerminator terminator = Begun(_terminator);
            RunJournal? journal = _ledger.Journal;
            return RowStep.Send(
                async stopping =>
                {
                    TerminateResult result = await terminator.TerminateAsync(rowNumber, request, askFirst, diagnostics, stopping).ConfigureAwait(false);

                    // Should its outcome be open, the row is asked about again at the end of the input (OutcomeSweep):
                    // the query first, and a terminate only when WeChat Pay says the authorization still stands. The
                    // row's "sending" record, with no final record after it yet, covers that terminate too.
                    RowStep askAgain = RowStep.Send(async sweeping =>
                    {
                        TerminateResult settled = await terminator.AskAgainAsync(result, request, diagnostics, sweeping).ConfigureAwait(false);
                        return new FinishedRow(input, settled, diagnostics);
                    });
                    return new FinishedRow(input, result, diagnostics, askAgain: askAgain);
                },
                journal == null ? (Action?)null : () => journal.RecordSending(rowNumber, request));
        }

        /// <summary>
        /// The rows' final records, on disk before their results go out. When the journal cannot be written, the
        /// results go out all the same (every row that was sent gets its result) and nothing more is written.
        /// </summary>
        internal override Task<bool> Record(IReadOnlyList<FinishedRow> batch)
        {
            RunJournal? journal = _ledger.Journal;
            if (journal == null)
            {
                return base.Record(batch);
            }

            foreach (FinishedRow outcome in batch)
            {
                // A row not started leaves no record: the rerun sends it as a row the journal has not seen, and the
                // rest of a long input does not fill the journal's disk with records that say nothing.
                if (!outcome.Journaled && outcome.Code != ResultCodes.NotStarted)
                {
                    journal.RecordResult((TerminateResult)outcome.Result);
                }
            }

            return journal.CommitAsync();
        }

        /// <summary>With a journal, rows are read ahead so that their records go into it in groups (<see cref="GroupCommitQueue{T}"/>).</summary>
        internal override int ReadAhead => _ledger.Journal != null ? GroupCommitQueue<FinishedRow>.DefaultReadAhead : 0;

        public override void Dispose()
        {
            base.Dispose();
            _ledger.Dispose();
        }

        /// <summary>
        /// ShouldProcess, except that a host which cannot ask (a runbook, pwsh -NonInteractive) stops the run before
        /// anything is sent instead of failing row by row: ending authorizations unasked needs -Confirm:$false.
        /// </summary>
        private bool Approve(string target)
        {
            try
            {
                return ShouldProcess(target, Messages.Format("Command.ConfirmAction"));
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException || ex is PSNotImplementedException)
            {
                var error = new PayscoreException(ErrorIds.ConfirmationNotPossible, Messages.Format("Command.ConfirmationNotPossible"), ex);
                ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, CategoryOf(error.ErrorId), InputObject));
                return false;
            }
        }

        internal override ErrorRecord ErrorOf(FinishedRow outcome)
        {
            var result = (TerminateResult)outcome.Result;
            (string errorId, ErrorCategory category) = ClassifyFailure(result);
            var record = new ErrorRecord(new TerminateRowException(result), errorId, category, outcome.Input);
            record.ErrorDetails = new ErrorDetails(record.Exception.Message)
            {
                RecommendedAction = ResultCodeTable.Of(result.Code, result.StatusCode).RecommendedAction,
            };
            return record;
        }
    }
}
