namespace WeChatPay.Payscore.Tests;

/// <summary>The WXPAY_* variables the module reads, for tests that set them in this process.</summary>
internal static class TestEnvironment
{
    public static readonly string[] Names =
    [
        "WXPAY_MCHID", "WXPAY_MERCHANT_SERIAL", "WXPAY_PRIVATE_KEY", "WXPAY_PRIVATE_KEY_PATH",
        "WXPAY_PUBLIC_KEY_ID", "WXPAY_PUBLIC_KEY", "WXPAY_PUBLIC_KEY_PATH", "WXPAY_BASE_URI",
    ];

    public static void Clear()
    {
        foreach (string name in Names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
