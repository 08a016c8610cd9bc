using System.Management.Automation;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Refuses a number for a TimeSpan parameter: PowerShell reads one as ticks of 100 ns, so -StopAfter 10800, meant
    /// as seconds, would be a budget of about a millisecond, which leaves every row not started.
    /// </summary>
    internal sealed class RefuseNumberAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (Numbers.IsNumber(value))
            {
                throw new ArgumentTransformationMetadataException(Messages.Format("Command.TimeSpanNotNumber"));
            }

            return inputData;
        }
    }
}
