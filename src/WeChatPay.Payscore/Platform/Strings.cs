using System.Diagnostics.CodeAnalysis;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>
    /// string.IsNullOrEmpty and string.IsNullOrWhiteSpace with the annotation .NET Framework's lack: after a false
    /// answer the value is known to be set, in both builds, without a null-forgiving operator.
    /// </summary>
    internal static class Strings
    {
        public static bool IsEmpty([NotNullWhen(false)] string? value) => string.IsNullOrEmpty(value);

        public static bool IsBlank([NotNullWhen(false)] string? value) => string.IsNullOrWhiteSpace(value);
    }
}
