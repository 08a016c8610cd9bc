using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>A fact about Unix's special files (a FIFO, /dev/zero): skipped on Windows, which has neither.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix only: Windows has no FIFO or /dev/zero.";
        }
    }
}
