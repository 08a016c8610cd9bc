using System.Management.Automation;
using WeChatPay.Payscore.Configuration;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Checks the merchant settings and keys once and keeps them for the session, so that later commands need
    /// no credential parameters. Settings it is not given come from the environment (WXPAY_*).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Nothing is sent to WeChat Pay: the merchant id, the private key (PEM file, PEM text in a SecureString, or a
    /// PKCS#12 file), the serial and the WeChat Pay public key or platform certificates are loaded and checked
    /// against each other here, and a bad setting stops with an error id that says what to fix.
    /// </para>
    /// <para>
    /// Later commands in the session use the connection for every setting they are not given; their own parameters
    /// win. A new Connect-WxPayscore replaces the connection whole. Each runspace has its own connection, so the
    /// runspaces of ForEach-Object -Parallel connect for themselves. The connection keeps the key in memory only and
    /// never shows key material.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommunications.Connect, "WxPayscore")]
    [OutputType(typeof(PayscoreConnection))]
    public sealed class ConnectWxPayscoreCommand : WxPayscoreCredentialCommandBase
    {
        /// <summary>Writes the new connection to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            // A new connection replaces the old one whole; it does not inherit from it.
            ClientSettings settings = LayeredSettings(useConnection: false);
            ResolvedCredentials credentials = ResolveOrStop(settings);
            var connection = new PayscoreConnection(settings.AsConnection(), credentials, settings.Timeout);
            ConnectionStore.Set(connection);
            HandOverSources();
            WriteVerbose(Messages.Format("Command.Connected", connection.MerchantId, connection.MerchantSerialNumber, connection.PrivateKey, string.Join(", ", credentials.WechatpayKeys.Serials), UriText.Quote(connection.BaseUri)));
            if (PassThru)
            {
                WriteObject(connection);
            }
        }
    }
}
