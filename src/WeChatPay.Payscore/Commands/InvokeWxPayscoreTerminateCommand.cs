using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Ends WeChat Pay Pay Score authorizations, one signed and verified request per input row,
    /// one <see cref="TerminateResult"/> per row.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "WxPayscoreTerminate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(TerminateResult))]
    public sealed class InvokeWxPayscoreTerminateCommand : WxPayscoreCommandBase
    {
        private const string ShouldProcessAction = "End the Pay Score authorization";

        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private WechatpayClient? _client;
        private PermissionTerminator? _terminator;
        private string? _commandLineAppId;
        private string? _commandLineReason;
        private long _rowNumber;
        private bool _wantDiagnostics;

        #region Parameters

        /// <summary>The input row (a CSV line from Import-Csv, any object with openid/service_id/appid/reason properties, or a hashtable).</summary>
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

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? Reason { get; set; }

        [Parameter]
        public TerminateRoute Route { get; set; } = TerminateRoute.UserPermission;

        #endregion

        protected override void BeginProcessing()
        {
            // Only command-line values are bound at this point; pipeline values come per row.
            _commandLineAppId = AppId;
            _commandLineReason = Reason;
            _wantDiagnostics = IsStreamWanted("Verbose") || IsStreamWanted("Debug");

            ClientSettings settings = LayeredSettings(useConnection: true);
            ResolvedCredentials credentials = ResolveOrStop(settings);
            _client = credentials.CreateClient(TimeoutOf(settings));
            _terminator = new PermissionTerminator(_client);
            WriteVerbose($"Merchant {credentials.MerchantId} ({settings.Origin(nameof(MerchantId))}), serial {credentials.SerialNumber}, key from {settings.PrivateKey!.Description}, {Route} route at {credentials.BaseUri}.");
        }

        protected override void ProcessRecord()
        {
            long rowNumber = ++_rowNumber;
            string? openId = RowValue("openid", OpenId);
            string? serviceId = RowValue("service_id", ServiceId);
            string? appId = RowValue("appid", _commandLineAppId ?? AppId);
            string? reason = RowValue("reason", _commandLineReason ?? Reason);

            if (!TerminateRequest.TryCreate(Route, openId, serviceId, appId, reason, out TerminateRequest? request, out IReadOnlyList<string> problems))
            {
                Emit(PermissionTerminator.InvalidInput(rowNumber, Route, openId, serviceId, appId, problems));
                return;
            }

            if (!Approve($"openid '{openId}', service_id '{serviceId}', appid '{appId}' (row {rowNumber})"))
            {
                return;
            }

            Diagnostics? diagnostics = _wantDiagnostics ? new Diagnostics() : null;
            TerminateResult result;
            try
            {
                result = _terminator!.TerminateAsync(rowNumber, request!, diagnostics, _stopping.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // StopProcessing: the pipeline is ending; rows already finished have their results.
                return;
            }

            Replay(diagnostics);
            Emit(result);
        }

        protected override void StopProcessing() => _stopping.Cancel();

        public override void Dispose()
        {
            _client?.Dispose();
            _stopping.Dispose();
            base.Dispose();
        }

        /// <summary>
        /// ShouldProcess, except that a host which cannot ask (a runbook, pwsh -NonInteractive) stops the run before
        /// anything is sent instead of failing row by row: ending authorizations unasked needs -Confirm:$false.
        /// </summary>
        private bool Approve(string target)
        {
            try
            {
                return ShouldProcess(target, ShouldProcessAction);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException || ex is NotImplementedException || ex is PSNotImplementedException)
            {
                var error = new PayscoreConfigurationException(
                    ErrorIds.ConfirmationNotPossible,
                    "This PowerShell host cannot ask for confirmation, and ending an authorization needs it. Add -Confirm:$false to end the authorizations without asking (as runbooks do), or -WhatIf to preview them. Nothing was sent.",
                    ex);
                ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorCategory.PermissionDenied, InputObject));
                return false;
            }
        }

        /// <summary>The result goes out before its error, so that -ErrorAction Stop still leaves it in the output.</summary>
        private void Emit(TerminateResult result)
        {
            WriteObject(result);
            if (!result.Success)
            {
                (string errorId, ErrorCategory category) = ClassifyFailure(result.Code);
                var record = new ErrorRecord(new TerminateRowException(result), errorId, category, InputObject ?? (object?)result.OpenId);
                record.ErrorDetails = new ErrorDetails(record.Exception.Message)
                {
                    RecommendedAction = RecommendedAction(result.Code),
                };
                WriteError(record);
            }
        }

        internal static (string ErrorId, ErrorCategory Category) ClassifyFailure(string code)
        {
            switch (code)
            {
                case ResultCodes.InvalidInput: return (ErrorIds.InvalidInput, ErrorCategory.InvalidData);
                case ResultCodes.ResponseUnverified: return (ErrorIds.ResponseUnverified, ErrorCategory.SecurityError);
                case ResultCodes.SignatureProbe: return (ErrorIds.SignatureProbe, ErrorCategory.SecurityError);
                case ResultCodes.UnexpectedResponse: return (ErrorIds.UnexpectedResponse, ErrorCategory.InvalidResult);
                case ResultCodes.NetworkError: return (ErrorIds.NetworkError, ErrorCategory.ConnectionError);
                case ResultCodes.Timeout: return (ErrorIds.RequestTimeout, ErrorCategory.OperationTimeout);
                case "NO_AUTH": return (ErrorIds.WechatpayErrorResponse, ErrorCategory.PermissionDenied);
                case "SIGN_ERROR": return (ErrorIds.WechatpayErrorResponse, ErrorCategory.AuthenticationError);
                case "ORDER_NOT_EXIST":
                case "NOT_FOUND": return (ErrorIds.WechatpayErrorResponse, ErrorCategory.ObjectNotFound);
                case "FREQUENCY_LIMITED":
                case "RATELIMIT_EXCEEDED": return (ErrorIds.WechatpayErrorResponse, ErrorCategory.LimitsExceeded);
                case "SYSTEM_ERROR":
                case "SYSTEMERROR":
                case "SERVICE_UNAVAILABLE": return (ErrorIds.WechatpayErrorResponse, ErrorCategory.ResourceUnavailable);
                default: return (ErrorIds.WechatpayErrorResponse, ErrorCategory.InvalidOperation);
            }
        }

        private static string RecommendedAction(string code)
        {
            switch (code)
            {
                case ResultCodes.InvalidInput: return "Correct the row; nothing was sent for it.";
                case ResultCodes.ResponseUnverified:
                case ResultCodes.SignatureProbe:
                case ResultCodes.NetworkError:
                case ResultCodes.Timeout: return "The outcome is not known: check the authorization state before sending this row again.";
                case "SIGN_ERROR": return "Check -MerchantSerialNumber and -PrivateKeyPath belong to the same merchant API certificate; run with -Verbose to see the message WeChat Pay verified.";
                default: return "See WeChat Pay's code and message; quote the RequestId to WeChat Pay support.";
            }
        }

        private void Replay(Diagnostics? diagnostics)
        {
            if (diagnostics == null)
            {
                return;
            }

            foreach (string line in diagnostics.Debug)
            {
                WriteDebug(line);
            }

            foreach (string line in diagnostics.Verbose)
            {
                WriteVerbose(line);
            }
        }

        /// <summary>The row's own value for a field when it has one, else the parameter's.</summary>
        private string? RowValue(string name, string? fallback)
        {
            object? value = null;
            object? row = InputObject?.BaseObject;
            if (row is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                    {
                        value = entry.Value;
                        break;
                    }
                }
            }
            else if (InputObject != null && !(row is string))
            {
                value = InputObject.Properties[name]?.Value;
            }

            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            string? text = value == null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
            return string.IsNullOrEmpty(text) ? fallback : text;
        }

        private bool IsStreamWanted(string stream)
        {
            if (MyInvocation.BoundParameters.TryGetValue(stream, out object? flag))
            {
                return flag is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(flag);
            }

            object? preference = GetVariableValue(stream + "Preference");
            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !string.Equals(preference.ToString(), "SilentlyContinue", StringComparison.OrdinalIgnoreCase);
        }
    }
}
