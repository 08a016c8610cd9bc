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
    [Cmdlet(VerbsCommon.Get, "WxPayscorePermission")]
    [OutputType(typeof(PayscorePermission))]
    public sealed class GetWxPayscorePermissionCommand : WxPayscoreBulkCommandBase
    {
        private PermissionLookup? _lookup;
        private string? _commandLineAppId;
        private long _rowNumber;
        private bool _wantDiagnostics;

        #region Parameters

        /// <summary>The input row (a CSV line from Import-Csv, any object with openid/service_id/appid properties, or a hashtable).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? OpenId { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("service_id")]
        [AllowNull]
        [AllowEmptyString]
        public string? ServiceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? AppId { get; set; }

        #endregion

        internal override string ProgressActivity => "Querying Pay Score authorizations";

        protected override void BeginProcessing()
        {
            // Only command-line values are bound at this point; pipeline values come per row.
            _commandLineAppId = AppId;
            _wantDiagnostics = IsStreamWanted("Verbose") || IsStreamWanted("Debug");
            BeginRun();
            _lookup = new PermissionLookup(Sender!);
        }

        protected override void ProcessRecord()
        {
            long rowNumber = ++_rowNumber;
            string? openId = RowValue(InputObject, "openid", OpenId);
            string? serviceId = RowValue(InputObject, "service_id", ServiceId);
            string? appId = RowValue(InputObject, "appid", _commandLineAppId ?? AppId);
            object input = InputObject ?? (object?)openId ?? string.Empty;

            IReadOnlyList<string> problems = InputValidator.ValidateQuery(openId, serviceId, appId);
            if (problems.Count > 0)
            {
                PayscorePermission invalid = PermissionLookup.InvalidInput(rowNumber, openId, serviceId, appId, problems);
                Complete(new RowOutcome(input, invalid, success: false, null));
                return;
            }

            Diagnostics? diagnostics = _wantDiagnostics ? new Diagnostics() : null;
            PermissionLookup lookup = _lookup!;
            Dispatch(async stopping =>
            {
                PayscorePermission result = await lookup.LookUpAsync(rowNumber, openId!, serviceId!, appId!, diagnostics, stopping).ConfigureAwait(false);
                return new RowOutcome(input, result, result.Success, diagnostics);
            });
        }

        internal override void Emit(RowOutcome outcome)
        {
            Replay(outcome.Diagnostics);
            var result = (PayscorePermission)outcome.Result;
            WriteObject(result);
            if (!result.Success)
            {
                (string errorId, ErrorCategory category) = InvokeWxPayscoreTerminateCommand.ClassifyFailure(result.Code);
                WriteError(new ErrorRecord(new PermissionRowException(result), errorId, category, outcome.Input));
            }
        }
    }
}
