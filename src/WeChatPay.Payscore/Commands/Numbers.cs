namespace WeChatPay.Payscore.Commands
{
    /// <summary>What PowerShell hands a command as a number: one list of the types, for the checks that refuse or accept them.</summary>
    internal static class Numbers
    {
        /// <summary>A whole number of any size (ConvertFrom-Json reads service_id 500001 as one).</summary>
        public static bool IsWhole(object? value) =>
            value is int || value is long || value is short || value is byte || value is uint || value is ulong || value is ushort || value is sbyte;

        /// <summary>Any number: a whole one, or a fraction (double, float, decimal).</summary>
        public static bool IsNumber(object? value) => IsWhole(value) || value is double || value is float || value is decimal;
    }
}
