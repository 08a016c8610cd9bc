using System.Management.Automation;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>Forgets the session connection; later commands need credential parameters or WXPAY_* variables again.</summary>
    /// <remarks>
    /// <para>
    /// A command already running keeps the keys it started with. Disconnecting when there is no connection is not
    /// an error; -Verbose says so.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommunications.Disconnect, "WxPayscore")]
    [OutputType(typeof(void))]
    public sealed class DisconnectWxPayscoreCommand : WxPayscoreCommandBase
    {
        protected override void EndProcessing()
        {
            WriteVerbose(ConnectionStore.Remove() ? Messages.Format("Command.Disconnected") : Messages.Format("Command.NoConnectionToForget"));
        }
    }
}
