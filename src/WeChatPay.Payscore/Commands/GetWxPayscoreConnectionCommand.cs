using System.Management.Automation;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>Shows the session connection: merchant, serial, WeChat Pay key ids and base URI, never key material.</summary>
    /// <remarks>
    /// <para>
    /// It writes nothing when the session has no connection (-Verbose says so). The PrivateKey property names where
    /// the key came from (a file, a PKCS#12 file or PEM text), never the key itself.
    /// </para>
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "WxPayscoreConnection")]
    [OutputType(typeof(PayscoreConnection))]
    public sealed class GetWxPayscoreConnectionCommand : WxPayscoreCommandBase
    {
        protected override void EndProcessing()
        {
            PayscoreConnection? connection = ConnectionStore.Current;
            if (connection != null)
            {
                WriteObject(connection);
            }
            else
            {
                WriteVerbose(Messages.Format("Command.NoConnection"));
            }
        }
    }
}
