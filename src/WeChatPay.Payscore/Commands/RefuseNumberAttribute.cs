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
            if (value is int || value is long || value is double || value is decimal || value is float || value is short || value is byte
                || value is uint || value is ulong || value is ushort || value is sbyte)
            {
                throw new ArgumentTransformationMetadataException(
                    "Give a time span, such as 2:45:00 (2 hours 45 minutes) or (New-TimeSpan -Minutes 165), not a number: PowerShell would read a number as ticks of 100 nanoseconds.");
            }

            return inputData;
        }
    }
}
