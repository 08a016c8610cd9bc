using System.Reflection;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Every error id the module emits is in the error id tables of both READMEs (English and Simplified Chinese), with
/// when it happens and what to do; and the Chinese README gives the two commands of a fresh machine as README.md does.
/// </summary>
public class ErrorIdsDocumentedTests
{
    /// <summary>The READMEs whose Error ids tables must list every id.</summary>
    private static readonly string[] Readmes = ["README.md", "README.zh-CN.md"];

    public static IEnumerable<object[]> Ids() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => new object[] { (string)f.GetRawConstantValue()! });

    public static IEnumerable<object[]> IdsInEachReadme() =>
        from readme in Readmes
        from id in Ids()
        select new object[] { readme, id[0] };

    [Fact]
    public void The_error_ids_are_found()
    {
        Assert.True(Ids().Count() >= 40, "ErrorIds has fewer constants than the module emits");
        Assert.Contains(new object[] { ErrorIds.KeyMaterialGivenAsPath }, Ids());
    }

    [Theory]
    [MemberData(nameof(IdsInEachReadme))]
    public void Each_error_id_has_a_row_in_each_readme_that_says_when_and_what_to_do(string readme, string id)
    {
        string? row = File.ReadLines(RepositoryFiles.PathOf(readme)).FirstOrDefault(l => l.StartsWith($"| `{id}` |", StringComparison.Ordinal));

        Assert.True(row != null, $"{readme} has no row for the error id {id} in its Error ids tables.");
        string[] cells = row!.Split('|', StringSplitOptions.TrimEntries)[1..^1];
        Assert.True(cells.Length == 3, $"{readme}'s row for the error id {id} has {cells.Length} cells, not 3 (id, when, what to do).");
        Assert.All(cells, c => Assert.NotEqual(string.Empty, c));
    }

    [Fact]
    public void The_chinese_readme_gives_the_two_commands_of_a_fresh_machine_as_the_readme_does()
    {
        string[] commands = FreshMachineCommands(File.ReadAllLines(RepositoryFiles.PathOf("README.md")));
        string[] chinese = File.ReadAllLines(RepositoryFiles.PathOf("README.zh-CN.md"));

        Assert.True(commands.Length >= 2, "README.md's \"Two commands on a fresh machine\" section has fewer than two indented commands.");
        Assert.All(commands.Take(2), command =>
            Assert.True(chinese.Contains(command, StringComparer.Ordinal), $"README.zh-CN.md lacks the command line \"{command}\" of README.md's \"Two commands on a fresh machine\"."));
    }

    /// <summary>The indented (four-space) command lines of README.md's "Two commands on a fresh machine" section, in order.</summary>
    private static string[] FreshMachineCommands(string[] readme)
    {
        int start = Array.IndexOf(readme, "## Two commands on a fresh machine");
        Assert.True(start >= 0, "README.md has no \"## Two commands on a fresh machine\" section.");

        return readme.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Trim().Length > 0)
            .ToArray();
    }
}
