using System.Collections.Generic;
using System.Management.Automation;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Checks, before a big run, that WeChat Pay accepts the merchant's settings and that its answers verify: one
    /// ConnectionTestResult with Passed, ClockOffset, Mode, Problems and a message per check. Changes nothing.
    /// </summary>
    /// <remarks>
    /// <para>
    /// It takes the same settings as the other commands (their parameters, else the session connection, else WXPAY_*);
    /// a setting that cannot work stops it with the same configuration error, before any request. Then it sends one
    /// signed GET /v3/certificates, which every merchant may call and which changes nothing (a merchant that has only
    /// the WeChat Pay public key gets 404 RESOURCE_NOT_EXISTS, which still shows the signature was accepted), and, with
    /// -AppId, -ServiceId and -OpenId, one permission query. Nothing is ever ended.
    /// </para>
    /// <para>
    /// Each check says what it found and what to fix: Connection (WeChat Pay answers within -TimeoutSec:
    /// WechatpayUnreachable), Clock (WeChat Pay's clock against this machine's, from the answer's signed
    /// Wechatpay-Timestamp, else its Date header: more than 300 s apart is ClockOffsetTooLarge, as WeChat Pay then
    /// refuses every request; more than 60 s a warning), Signature (WeChat Pay refused the serial:
    /// MerchantSerialNumberRejected; or the key: SignatureRejected), WechatpayKey (the answer does not verify with the
    /// public key or platform certificates given: WechatpayKeyMismatch), ApiV3Key (with an APIv3 key: the certificate
    /// list does not decrypt: PlatformCertificateDecryptionFailed) and Permission (PermissionQueryFailed).
    /// </para>
    /// <para>
    /// Problems lists the error ids of the failed checks; Passed is true when there are none. Mode says which keys
    /// WeChat Pay signs with: PublicKey, PlatformCertificates or Both. Failed checks are in the output, not errors: the
    /// command writes a warning for each check that needs attention and stops only for a bad setting.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsDiagnostic.Test, "WxPayscoreConnection", DefaultParameterSetName = ConnectionSet)]
    [OutputType(typeof(ConnectionTestResult))]
    public sealed class TestWxPayscoreConnectionCommand : WxPayscoreCredentialCommandBase
    {
        private const string ConnectionSet = "Connection";
        private const string PermissionSet = "Permission";

        /// <summary>The appid of one user's authorization to query (with -ServiceId and -OpenId): WeChat Pay must let the merchant query it.</summary>
        [Parameter(ParameterSetName = PermissionSet, Mandatory = true)]
        public string? AppId { get; set; }

        /// <summary>The Pay Score service_id of the authorization to query.</summary>
        [Parameter(ParameterSetName = PermissionSet, Mandatory = true)]
        public string? ServiceId { get; set; }

        /// <summary>The openid (under -AppId) of a user who authorized the service; only asked about, never ended.</summary>
        [Parameter(ParameterSetName = PermissionSet, Mandatory = true)]
        public string? OpenId { get; set; }

        protected override void EndProcessing()
        {
            ClientSettings settings = LayeredSettings(useConnection: true);
            AuthorizationTarget? target = null;
            if (ParameterSetName == PermissionSet && !AuthorizationTarget.TryCreate(RowFields.ForOpenId(OpenId, ServiceId, AppId), out target, out IReadOnlyList<string> problems))
            {
                var ex = new PayscoreException(ErrorIds.InvalidInput, Messages.Format("Check.QueryNamesNoAuthorization", string.Join(" ", problems)));
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, null));
            }

            ResolvedCredentials credentials = ResolveOrStop(settings);
            var diagnostics = new Diagnostics();
            ConnectionTestResult result;
            using (RequestRun run = RequestRun.Start(credentials, new RunLimits { Timeout = TimeoutOf(settings) }))
            {
                var check = new ConnectionCheck(run.Client, run.Sender, credentials.WechatpayKeys, credentials.ApiV3Key, credentials.PrivateKeySource, target);
                result = WaitFor(stopping => check.RunAsync(diagnostics, stopping));
            }

            Replay(diagnostics);
            foreach (ConnectionTestCheck check in result.Checks)
            {
                WriteVerbose(Messages.Format("Check.VerboseLine", check.Name, check.Status, check.Message));
                if (check.Status == ConnectionCheckStatus.Warning)
                {
                    WriteWarning(check.Message);
                }
            }

            WriteObject(result);
        }
    }
}
