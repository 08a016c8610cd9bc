using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Threading.Tasks;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// A command that sends one request per input row: up to -ThrottleLimit at once, paced by
    /// -MaxRequestsPerSecond, retried up to -MaxRetries. Work runs on the thread pool; every result, error,
    /// progress record and ShouldProcess call stays on the pipeline thread, in ProcessRecord and EndProcessing.
    /// </summary>
    public abstract class WxPayscoreBulkCommandBase : WxPayscoreCredentialCommandBase
    {
        private GroupCommitQueue<FinishedRow>? _rows;
        private long _rowNumber;
        private ProgressTracker? _progress;
        private RequestRun? _run;
        private bool _errorsStopTheRun;
        private bool _settling;
        private bool _stoppingRun;
        private long _failedInARow;
        private bool _summarized;
        private TimeBudget? _budget;
        private OutcomeSweep? _sweep;

        // Errors of failed rows that will stop the run, written once the rows in flight have their results out.
        private readonly List<ErrorRecord> _heldErrors = new List<ErrorRecord>();

        #region Parameters

        /// <summary>The row names the user by openid (under appid), for the merchant itself or, with -SubMerchantId, for a sub-merchant.</summary>
        internal const string OpenIdSet = "OpenId";

        /// <summary>The row names the user by sub_openid (under the sub-merchant's sub_appid), for a sub-merchant.</summary>
        internal const string SubOpenIdSet = "SubOpenId";

        /// <summary>The row names the authorization by its authorization code.</summary>
        internal const string AuthorizationCodeSet = "AuthorizationCode";

        /// <summary>
        /// The input row: a CSV line from Import-Csv, any object with openid, service_id and appid properties (or
        /// authorization_code, or sub_mchid with openid, sub_openid or authorization_code), or a hashtable; its own
        /// values win over the parameters. Each row's values decide its endpoint, so one CSV may mix every kind of row.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The user's openid under the appid; from the row's openid column.</summary>
        [Parameter(ParameterSetName = OpenIdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? OpenId { get; set; }

        /// <summary>The Pay Score service id; from the row's service_id column.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("service_id")]
        [AllowNull]
        [AllowEmptyString]
        public string? ServiceId { get; set; }

        /// <summary>The appid the user authorized (a service provider's own appid with -SubMerchantId); from the row's appid column, else this value.</summary>
        [Parameter(ParameterSetName = OpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SubOpenIdSet, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? AppId { get; set; }

        /// <summary>
        /// The authorization code (1 to 32 of A-Z a-z 0-9 _ - *) the merchant gave when the user authorized, instead of an
        /// openid: the authorization-code endpoints are used (the partner ones with -SubMerchantId); from the row's authorization_code column.
        /// </summary>
        [Parameter(ParameterSetName = AuthorizationCodeSet, ValueFromPipelineByPropertyName = true)]
        [Alias("authorization_code")]
        [AllowNull]
        [AllowEmptyString]
        public string? AuthorizationCode { get; set; }

        /// <summary>
        /// For service providers: the sub-merchant (sub_mchid) whose user's authorization is meant, by openid, sub_openid
        /// or authorization code; the partner endpoints are used, with the service provider's own credentials; from the
        /// row's sub_mchid column, else this value.
        /// </summary>
        [Parameter(ParameterSetName = OpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SubOpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = AuthorizationCodeSet, ValueFromPipelineByPropertyName = true)]
        [Alias("sub_mchid")]
        [AllowNull]
        [AllowEmptyString]
        public string? SubMerchantId { get; set; }

        /// <summary>For service providers: the sub-merchant's appid (sub_appid), needed with -SubOpenId; from the row's sub_appid column, else this value.</summary>
        [Parameter(ParameterSetName = OpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SubOpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Alias("sub_appid")]
        [AllowNull]
        [AllowEmptyString]
        public string? SubAppId { get; set; }

        /// <summary>For service providers: the user's openid under the sub-merchant's sub_appid, instead of -OpenId; from the row's sub_openid column.</summary>
        [Parameter(ParameterSetName = SubOpenIdSet, ValueFromPipelineByPropertyName = true)]
        [Alias("sub_openid")]
        [AllowNull]
        [AllowEmptyString]
        public string? SubOpenId { get; set; }

        /// <summary>Requests in flight at once; 1 sends the rows strictly one after another, in input order.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>The most requests per second for the whole run; 0 for no fixed ceiling. WeChat Pay's own rate limit (more 429s than usual) slows the run below it either way.</summary>
        [Parameter]
        [ValidateRange(0, 100000)]
        public double MaxRequestsPerSecond { get; set; } = 50;

        /// <summary>Retries per request for 429, 500, 502, 503 and failures to connect (a lost answer is asked about first); a query also asks again when its answer is lost or not verified.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 3;

        /// <summary>
        /// Where to retry when the base URI cannot be reached, scheme, host and port only; https://api2.mch.weixin.qq.com
        /// for WeChat Pay's default host.
        /// </summary>
        // Text, not a Uri, as -BaseUri: PowerShell's own conversion error would quote the whole value.
        [Parameter]
        public string? BackupBaseUri { get; set; }

        /// <summary>How many rows to expect, for the percentage and time left in the progress bar.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long TotalCount { get; set; }

        /// <summary>
        /// A time budget for the run, such as 2:45:00 (hours:minutes:seconds) or (New-TimeSpan -Hours 2 -Minutes 45),
        /// counted from the start of the command; above zero. Once it is spent no new row starts: the rows in flight
        /// finish as usual, every later row gets the result NOT_STARTED without a request, and one warning says how
        /// many. Invoke-WxPayscoreTerminate run again with the same -JournalPath sends them.
        /// </summary>
        [Parameter]
        [RefuseNumber]
        public TimeSpan? StopAfter { get; set; }

        #endregion

        internal ResolvedCredentials? Credentials { get; private set; }

        /// <summary>Whether anyone listens on the verbose or debug stream: diagnostics are collected only then.</summary>
        internal bool WantDiagnostics { get; private set; }

        internal ResilientSender? Sender { get; private set; }

        internal override void AddCommandSettings(ClientSettings layer) =>
            layer.WithBackupBaseUri(BackupBaseUri, "-BackupBaseUri");

        /// <summary>Readies the run (<see cref="BeginRun"/>), then the command's own part (<see cref="BeginCommand"/>).</summary>
        protected sealed override void BeginProcessing()
        {
            ResilientSender sender = BeginRun();
            BeginCommand(sender);
            // The pause before the sweep: as long as one more retry would wait (the same doubling, up to its ceiling).
            OutcomeSweep sweep = _sweep = new OutcomeSweep(Begun(_run).Retries.DelayBefore(MaxRetries + 1), Begun(_budget), HowToSettle);
            _rows = new GroupCommitQueue<FinishedRow>(
                new BoundedDispatcher<FinishedRow>(ThrottleLimit),
                ThrottleLimit,
                ReadAhead,
                Record,
                outcome => _errorsStopTheRun && WritesAnError(outcome),
                // A row whose outcome is open is held for the sweep: no final record, no result, no error until then.
                hold: sweep.Hold);
        }

        /// <summary>What the command readies once the run is ready: only command-line values are bound at this point; pipeline values come per row.</summary>
        /// <param name="sender">What the command's requests go through.</param>
        internal virtual void BeginCommand(ResilientSender sender)
        {
        }

        /// <summary>
        /// Something <see cref="BeginProcessing"/> readies, for the steps that come after it (rows, the end): a null
        /// here is a defect in this module, reported as such.
        /// </summary>
        internal static T Begun<T>(T? value)
            where T : class =>
            value ?? throw new InvalidOperationException(Messages.Format("Command.RunNotReady"));

        /// <summary>
        /// One input row: a run that has to stop stops before it is looked at; then it is read, and the command decides
        /// (<see cref="ProcessRow"/>) whether it finishes at once or is sent.
        /// </summary>
        protected sealed override void ProcessRecord()
        {
            CheckRun();
            long rowNumber = NextRowNumber();
            RowFields fields = RowReader.Read(InputObject, field => (string?)IdentityParameters[field.PropertyName].GetValue(this));
            object target = RowReader.ErrorTarget(InputObject, fields);
            if (Begun(_budget).IsSpent)
            {
                // No request, no journal record, no error: the rest of a long input goes through in seconds.
                Complete(new FinishedRow(target, NotStarted(rowNumber, fields), null));
                return;
            }

            RowStep step = ProcessRow(rowNumber, fields, target);
            if (step.Finished != null)
            {
                Complete(step.Finished);
            }
            else if (step.Work != null)
            {
                Begun(_rows).Add(new QueuedRow<FinishedRow>(step.Record, step.Work, why => new FinishedRow(target, NotStarted(rowNumber, fields, why), null)));
                Pump(endOfInput: false);
            }
        }

        /// <summary>
        /// What the command makes of one row, read from the row and the parameters: its result when it is not sent, or
        /// the work that sends it. <paramref name="input"/> is the target of the row's error record.
        /// </summary>
        internal abstract RowStep ProcessRow(long rowNumber, RowFields fields, object input);

        /// <summary>
        /// The NOT_STARTED result of a row that came after the time budget was spent, or (<paramref name="why"/>, a
        /// clause) that was read and then left out when the run stopped.
        /// </summary>
        internal abstract PayscoreRowResult NotStarted(long rowNumber, RowFields fields, string? why = null);

        /// <summary>
        /// How many rows are read ahead of the rows in flight so that their journal records are written together
        /// (<see cref="GroupCommitQueue{T}"/>); 0, the default, for a command without a journal.
        /// </summary>
        internal virtual int ReadAhead => 0;

        /// <summary>How to send the rows the time budget left out: the last sentence of the warning that counts them.</summary>
        internal abstract string HowToContinue { get; }

        /// <summary>
        /// How to settle a row whose outcome is not known and that was not asked about again (the run stopped, or its
        /// time budget was spent, first): the last sentence of its message. Only a command whose rows can be asked
        /// again (<see cref="FinishedRow.AskAgain"/>) has such rows.
        /// </summary>
        internal virtual string HowToSettle => string.Empty;

        /// <summary>Stops the run (with <see cref="StopRun"/>) when the command itself can go on no longer; before each row and at the end.</summary>
        internal virtual void CheckRun()
        {
        }

        /// <summary>Checks the settings, loads the keys and readies the client, the pacing and the progress bar; returns the sender of the run's requests.</summary>
        private ResilientSender BeginRun()
        {
            DebugSwitch.NeverAsk(this);
            try
            {
                // Its clock starts first: the budget is the command's, key loading and certificate downloads included.
                _budget = TimeBudget.Start(StopAfter);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }

            WantDiagnostics = Preferences.IsStreamWanted(this, "Verbose") || Preferences.IsStreamWanted(this, "Debug");
            _errorsStopTheRun = Preferences.ErrorsStop(this);
            ClientSettings settings = LayeredSettings(useConnection: true);
            RunOverrides overrides = RunOverrides.For(Runspace.DefaultRunspace);

            Credentials = ResolveOrStop(settings);
            _run = RequestRun.Start(Credentials, new RunLimits
            {
                Timeout = TimeoutOf(settings),
                InFlight = ThrottleLimit,
                MaxRetries = MaxRetries,
                MaxRequestsPerSecond = MaxRequestsPerSecond,
                RetryBaseDelay = overrides.RetryBaseDelay,
                Health = overrides.Health,
            });
            TrustPlatformCertificatesAtStart(_run);
            ResilientSender sender = _run.Sender;
            Sender = sender;
            _progress = new ProgressTracker(MyInvocation.BoundParameters.ContainsKey(nameof(TotalCount)) ? TotalCount : (long?)null);
            string address = Credentials.BackupBaseUri == null
                ? UriText.Quote(Credentials.BaseUri)
                : Messages.Format("Command.AddressWithBackup", UriText.Quote(Credentials.BaseUri), UriText.Quote(Credentials.BackupBaseUri));
            string pacing = MaxRequestsPerSecond > 0 ? Messages.Format("Command.RateCeiling", MaxRequestsPerSecond) : Messages.Format("Command.NoRateCeiling");
            WriteVerbose(Messages.Format("Command.RunStart", Credentials.MerchantId, settings.Origin(nameof(MerchantId)), Credentials.SerialNumber, Credentials.PrivateKeySource, address, ThrottleLimit, pacing, MaxRetries));
            return sender;
        }

        /// <summary>
        /// A run given only an APIv3 key to verify with downloads the platform certificates before the first row, and
        /// says that it trusts them on first use; a failed download stops it before anything is sent.
        /// </summary>
        private void TrustPlatformCertificatesAtStart(RequestRun run)
        {
            PlatformCertificateDownload? download;
            try
            {
                download = WaitFor(run.TrustPlatformCertificatesAsync);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }

            if (download == null)
            {
                return;
            }

            if (download.FirstUseWarning != null)
            {
                WriteWarning(download.FirstUseWarning);
            }

            WriteVerbose(Messages.Format("Command.PlatformCertificatesDownloaded", string.Join(", ", download.Certificates.Select(c => c.SerialNumber)), download.VouchedBy));
        }

        /// <summary>The next input row's 1-based number; a run that has no chance stops here, before the row is looked at.</summary>
        private long NextRowNumber()
        {
            StopIfHopeless();
            return ++_rowNumber;
        }

        /// <summary>
        /// Starts the rows that may start, writes out the rows that finished, and waits (handing back finished rows
        /// meanwhile) until the next row may be read, or with <paramref name="endOfInput"/> until every row is out
        /// (<see cref="GroupCommitQueue{T}.Pump"/>). A journal that could not be written stops the run here.
        /// </summary>
        private void Pump(bool endOfInput)
        {
            GroupCommitQueue<FinishedRow> rows = Begun(_rows);
            bool written = true;
            WaitFor(stopping => written = rows.Pump(WriteOut, WhyNotStart, endOfInput, stopping));
            if (!written)
            {
                CheckRun();
                throw new InvalidOperationException(Messages.Format("Command.JournalFailedRunWentOn")); // not reached
            }
        }

        /// <summary>
        /// Waits for every row in flight and writes their results; the rows read and not yet started get NOT_STARTED,
        /// saying <paramref name="why"/>. Called before an error that will stop the run (-ErrorAction Stop, a
        /// terminating error), so that no row that was read is left without its result and no row that was sent
        /// without its own.
        /// </summary>
        private void SettleInFlight(string why)
        {
            WaitFor(stopping => _rows?.Settle(why, WriteOut, stopping));
            if (_rows != null && _sweep != null && _sweep.Held > 0)
            {
                // Rows held for the sweep go out before the error too (their final records first), each saying it was not asked again.
                _rows.Finished(_sweep.Release(why));
                WaitFor(stopping => _rows.Settle(why, WriteOut, stopping));
            }
        }

        /// <summary>Why the rows read and not yet started must not start (a spent budget, a run about to stop as hopeless); null when they may.</summary>
        private string? WhyNotStart() =>
            Begun(_budget).IsSpent ? TimeBudget.SpentClause
            : Sender?.Health.Verdict is RunStop stop ? StoppedClause(stop.ErrorId)
            : null;

        /// <summary>Why rows read ahead were not started (or rows were not asked about again), a clause in their results.</summary>
        private static string StoppedClause(string errorId) => Messages.Format("Command.RunStoppedClause", errorId);

        /// <summary>
        /// Ends the run with a terminating error once the rows in flight have finished and their results are out, so
        /// that no row that was sent is left without its result; rows not yet read are never sent.
        /// </summary>
        internal Exception StopRun(PayscoreException ex, object? target = null)
        {
            _stoppingRun = true;
            SettleInFlight(StoppedClause(ex.ErrorId));
            Summarize(ex.ErrorId);
            return Stop(ex, target);
        }

        /// <summary>The stable error id and category of a failed row's error record, by its result code (<see cref="ResultCodeTable"/>).</summary>
        internal static (string ErrorId, ErrorCategory Category) ClassifyFailure(PayscoreRowResult result)
        {
            ResultCodeInfo info = ResultCodeTable.Of(result.Code, result.StatusCode);
            if (info.ErrorId == null)
            {
                info = ResultCodeTable.Unlisted; // a success code on a failed row: a defect; reported as WeChat Pay's
            }

            return (info.ErrorId!, CategoryOf(info.Category)); // Unlisted, a WeChat Pay error, always has one
        }

        /// <summary>A row that finished without being sent (bad input, a duplicate): out at once, after the rows already waiting.</summary>
        private void Complete(FinishedRow outcome)
        {
            Begun(_rows).Finished(new[] { outcome });
            Pump(endOfInput: false);
        }

        /// <summary>
        /// Waits for the rows in flight and writes their results, asks again about the rows whose outcome was not known
        /// (<see cref="Sweep"/>) and writes theirs, then the summary; then the command's own last check (<see cref="CheckRun"/>).
        /// </summary>
        protected sealed override void EndProcessing()
        {
            if (_rows != null)
            {
                Pump(endOfInput: true);
                Sweep();
                ProgressTracker progress = Begun(_progress);
                if (progress.Done > 0)
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, progress.Status) { RecordType = ProgressRecordType.Completed });
                }

                Summarize(stoppedBy: null);
            }

            CheckRun();
        }

        /// <summary>
        /// Once the input has ended and every row is out but those held for the sweep (their outcome open): asks about
        /// them again (<see cref="OutcomeSweep"/>), after its pause, with a fresh retry budget, within -StopAfter, and
        /// writes their results, which go into the journal first like every row's.
        /// </summary>
        private void Sweep()
        {
            OutcomeSweep sweep = Begun(_sweep);
            if (sweep.Held == 0)
            {
                return;
            }

            ProgressTracker progress = Begun(_progress);
            string wait = sweep.Wait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            WriteVerbose(sweep.Held == 1
                ? Messages.Format("Command.SweepStartsOne", wait, MaxRetries)
                : Messages.Format("Command.SweepStarts", UserText.Count(sweep.Held), wait, MaxRetries));
            string status = sweep.Held == 1
                ? Messages.Format("Command.SweepProgressOne", progress.Status)
                : Messages.Format("Command.SweepProgress", progress.Status, UserText.Count(sweep.Held));
            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, status)
            {
                PercentComplete = progress.Percent,
            });
            IReadOnlyList<QueuedRow<FinishedRow>> again = Array.Empty<QueuedRow<FinishedRow>>();
            WaitFor(stopping => again = sweep.Begin(stopping));
            GroupCommitQueue<FinishedRow> queue = Begun(_rows);
            foreach (QueuedRow<FinishedRow> row in again)
            {
                queue.Add(row);
            }

            Pump(endOfInput: true);
            sweep.End();
        }

        /// <summary>Once per run, after its last result: the summary as a tagged Information record and a verbose line.</summary>
        private void Summarize(string? stoppedBy)
        {
            if (_summarized || _progress == null)
            {
                return;
            }

            _summarized = true;
            OutcomeSweep? sweep = _sweep;
            sweep?.End();
            var summary = new RunSummary(
                MyInvocation.MyCommand.Name, _rowNumber, _progress.CountByCode(), _progress.Done - _progress.Failed, _progress.Elapsed, RunJournalPath, stoppedBy)
            {
                SweepRows = sweep?.Rows ?? 0,
                SweepAsked = sweep?.Asked ?? 0,
                SweepSettled = sweep?.Settled ?? 0,
                SweepElapsed = sweep?.Elapsed ?? TimeSpan.Zero,
            };
            if (summary.NotStarted > 0)
            {
                WriteWarning(Begun(_budget).NotStartedWarning(summary.NotStarted, stoppedBy, HowToContinue));
            }

            WriteInformation(summary, new[] { RunSummary.Tag });
            WriteVerbose(Messages.Format("Command.Summary", summary));
        }

        /// <summary>The non-terminating error a failed row writes after its result.</summary>
        internal abstract ErrorRecord ErrorOf(FinishedRow outcome);

        /// <summary>
        /// Adds the final records of rows that finished to the journal and starts making every record added so far
        /// durable, in one append, which must end before any of these rows is written out; false once the journal
        /// cannot be written. Nothing to do without a journal.
        /// </summary>
        internal virtual Task<bool> Record(IReadOnlyList<FinishedRow> batch) => Written;

        private static readonly Task<bool> Written = Task.FromResult(true);

        internal abstract string ProgressActivity { get; }

        private const int ProgressActivityId = 0x5743;

        public override void Dispose()
        {
            // Rows still in flight when the pipeline ends (Ctrl+C, -ErrorAction Stop) are cancelled, not abandoned.
            CancelWork();
            _run?.Dispose();
            base.Dispose();
        }

        /// <summary>
        /// Writes finished rows, whose final records are in the journal: each one's diagnostics, its result and, when
        /// it failed, its error. The result goes out before its error; an error that will stop the run (-ErrorAction
        /// Stop) waits until every row in flight has finished and every result is out, so that no row that was sent is
        /// left without its result.
        /// </summary>
        private void WriteOut(IReadOnlyList<FinishedRow> batch)
        {
            foreach (FinishedRow outcome in batch)
            {
                Replay(outcome.Diagnostics);
                WriteObject(outcome.Result);
                _progress?.Count(outcome.Success, outcome.Code);
                CountFailure(outcome);
                if (WritesAnError(outcome))
                {
                    ErrorRecord error = ErrorOf(outcome);
                    if (_errorsStopTheRun)
                    {
                        _heldErrors.Add(error);
                    }
                    else
                    {
                        WriteError(error);
                    }
                }
            }

            StopIfHopeless();

            if (_progress != null && _progress.IsDue())
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, _progress.Status)
                {
                    PercentComplete = _progress.Percent,
                    SecondsRemaining = _progress.SecondsRemaining,
                });
            }

            if (_heldErrors.Count > 0 && !_settling)
            {
                WriteHeldErrors();
            }
        }

        /// <summary>Settles the rows in flight (their errors join the held ones), then writes the held errors in order: under -ErrorAction Stop the first ends the run.</summary>
        private void WriteHeldErrors()
        {
            _settling = true;
            try
            {
                SettleInFlight(Messages.Format("Command.RunStoppedAtRowError"));
            }
            finally
            {
                _settling = false;
            }

            while (_heldErrors.Count > 0)
            {
                ErrorRecord error = _heldErrors[0];
                _heldErrors.RemoveAt(0);
                WriteError(error);
            }
        }

        /// <summary>A failed row writes an error after its result; rows not started do not (one warning counts them).</summary>
        private static bool WritesAnError(FinishedRow outcome) => !outcome.Success && outcome.Code != ResultCodes.NotStarted;

        /// <summary>Failed rows in a row, those that were never meant to be sent (bad input, repeats) left out.</summary>
        private void CountFailure(FinishedRow outcome)
        {
            if (outcome.Success)
            {
                _failedInARow = 0;
            }
            else if (!ResultCodeTable.Of(outcome.Code).NeverSent)
            {
                _failedInARow++;
            }
        }

        /// <summary>
        /// Ends the run when WeChat Pay cannot be reached or refuses every signature (see <see cref="RunHealth"/>):
        /// the rows in flight finish (without further retries) and keep their results, no later row is sent.
        /// </summary>
        private void StopIfHopeless()
        {
            if (_stoppingRun || !(Sender?.Health.Verdict is RunStop stop))
            {
                return;
            }

            _stoppingRun = true;
            SettleInFlight(StoppedClause(stop.ErrorId));
            ResolvedCredentials credentials = Begun(Credentials);
            string message = stop.Describe(_rowNumber, _failedInARow, TotalCount > 0 ? TotalCount : (long?)null, RunJournalPath, credentials.MerchantId, credentials.SerialNumber, DateTimeOffset.UtcNow);
            throw StopRun(new PayscoreException(stop.ErrorId, message));
        }

        /// <summary>The journal of the run, if it has one: named when the run stops, so that the rerun can pick up.</summary>
        internal virtual string? RunJournalPath => null;

        /// <summary>The parameter of each identity field, by its property name (<see cref="RowFields.Identity"/>).</summary>
        /// <remarks>Every identity field has its parameter here (RowResultShapeTests checks it), so each lookup finds one.</remarks>
        private static readonly Dictionary<string, PropertyInfo> IdentityParameters =
            RowFields.Identity.ToDictionary(field => field.PropertyName, field => typeof(WxPayscoreBulkCommandBase).GetProperty(field.PropertyName)!);
    }
}
