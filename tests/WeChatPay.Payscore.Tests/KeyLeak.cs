namespace WeChatPay.Payscore.Tests;

/// <summary>Finds key material in text: any run of 40 characters of a key's Base64.</summary>
internal static class KeyLeak
{
    public const int Run = 40;

    /// <summary>The Base64 of PEM text (its body, armour lines and line breaks removed), or Base64 as it is.</summary>
    public static string Base64Of(string keyText) => string.Concat(
        keyText.Replace("\r", string.Empty).Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

    /// <summary>
    /// The first 40-character run of <paramref name="keyBase64"/> found in <paramref name="text"/>, or null. The text is
    /// searched as it is and with its whitespace removed, so that a key split over lines is found too.
    /// </summary>
    public static string? Find(string text, string keyBase64)
    {
        string compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        for (int i = 0; i + Run <= keyBase64.Length; i++)
        {
            string run = keyBase64.Substring(i, Run);
            if (text.Contains(run, StringComparison.Ordinal) || compact.Contains(run, StringComparison.Ordinal))
            {
                return run;
            }
        }

        return null;
    }

    public static void AssertNone(string text, string keyBase64, string where)
    {
        string? run = Find(text, keyBase64);
        if (run != null)
        {
            Xunit.Assert.Fail($"Key material ('{run.Substring(0, 8)}…') appears in {where}.");
        }
    }
}
