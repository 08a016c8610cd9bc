using System.Text.RegularExpressions;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The documented examples that write a CSV say its encoding: Windows PowerShell 5.1's Export-Csv writes ASCII by
/// default, so an example copied without -Encoding turns every Chinese message into '?'.
/// </summary>
public sealed partial class CsvEncodingDocsTests
{
    public static TheoryData<string> Documents() =>
    [
        "README.md",
        "README.zh-CN.md",
        "src/WeChatPay.Payscore/en-US/about_WeChatPay_Payscore.help.txt",
        "src/WeChatPay.Payscore/en-US/WeChatPay.Payscore.Examples.psd1",
        "src/WeChatPay.Payscore/zh-CN/about_WeChatPay_Payscore.help.txt",
        "src/WeChatPay.Payscore/zh-CN/WeChatPay.Payscore.Help.psd1",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_example_that_writes_a_csv_gives_its_encoding(string document)
    {
        string text = File.ReadAllText(RepositoryFiles.PathOf(document));

        string[] exports = ExportCommand().Matches(text).Select(m => m.Value).ToArray();

        Assert.NotEmpty(exports);
        Assert.All(exports, export => Assert.Contains("-Encoding ", export, StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_and_the_about_topic_say_what_each_edition_needs()
    {
        string readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        string about = File.ReadAllText(RepositoryFiles.PathOf("src/WeChatPay.Payscore/en-US/about_WeChatPay_Payscore.help.txt"));

        Assert.Contains("### CSV files and their encoding: Windows PowerShell 5.1 and PowerShell 7", readme, StringComparison.Ordinal);
        Assert.Contains("CSV FILES AND THEIR ENCODING", about, StringComparison.Ordinal);
        Assert.All(new[] { readme, about }, text => Assert.Contains("utf8BOM", text, StringComparison.Ordinal));
    }

    /// <summary>
    /// An Export-Csv command given a file (a .csv name, a variable, a quoted path, -Path), up to the end of its
    /// pipeline element: a pipe, a statement's end, a line break or a `n in a help example's code. Mentions of the
    /// cmdlet in prose give it no file.
    /// </summary>
    [GeneratedRegex(@"Export-Csv[ \t]+(?:[\w./\\-]+\.csv\b|`?\$|['""]|-(?:Literal)?Path\b)(?:(?!`n)[^|;}\r\n])*")]
    private static partial Regex ExportCommand();
}
