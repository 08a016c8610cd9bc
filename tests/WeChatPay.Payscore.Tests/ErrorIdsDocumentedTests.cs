using System.Reflection;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Every error id the module emits is in the README's tables, with when it happens and what to do.</summary>
public class ErrorIdsDocumentedTests
{
    public static IEnumerable<object[]> Ids() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => new object[] { (string)f.GetRawConstantValue()! });

    [Fact]
    public void The_error_ids_are_found()
    {
        Assert.True(Ids().Count() >= 40, "ErrorIds has fewer constants than the module emits");
        Assert.Contains(new object[] { ErrorIds.KeyMaterialGivenAsPath }, Ids());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_error_id_has_a_row_in_the_readme_that_says_when_and_what_to_do(string id)
    {
        string? row = File.ReadLines(RepositoryFiles.PathOf("README.md")).FirstOrDefault(l => l.StartsWith($"| `{id}` |", StringComparison.Ordinal));

        Assert.True(row != null, $"README.md has no row for the error id {id} in its Error ids tables.");
        string[] cells = row!.Split('|', StringSplitOptions.TrimEntries)[1..^1];
        Assert.Equal(3, cells.Length);
        Assert.All(cells, c => Assert.NotEqual(string.Empty, c));
    }
}
