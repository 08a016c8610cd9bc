using System.Management.Automation;
using System.Reflection;
using WeChatPay.Payscore.Commands;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Only the cmdlets (Commands) and the module initializer know PowerShell: the protocol, execution, configuration and
/// crypto layers, and the result types the cmdlets write, refer to nothing in System.Management.Automation, so that
/// they can be tested and reused without a PowerShell host.
/// </summary>
public sealed class PowerShellLayerTests
{
    private const string CommandsNamespace = "WeChatPay.Payscore.Commands";

    private static readonly Assembly ModuleAssembly = typeof(ModuleInitializer).Assembly;

    private static readonly Assembly PowerShell = typeof(PSObject).Assembly;

    [Fact]
    public void Only_the_commands_and_the_module_initializer_refer_to_PowerShell()
    {
        Type[] outside = ModuleAssembly.GetTypes().Where(t => !KnowsPowerShell(TypeReferences.OuterType(t))).ToArray();
        Assert.Contains(outside, t => t.Namespace == "WeChatPay.Payscore.Protocol");

        Assert.Empty(ReferencesToPowerShell(outside));
    }

    [Theory]
    [InlineData(typeof(TerminateResult))]
    [InlineData(typeof(PayscorePermission))]
    [InlineData(typeof(PayscoreRowResult))]
    [InlineData(typeof(RunSummary))]
    [InlineData(typeof(PayscoreConnection))]
    [InlineData(typeof(PayscoreException))]
    [InlineData(typeof(TerminateRowException))]
    [InlineData(typeof(PermissionRowException))]
    public void A_public_result_type_refers_to_no_PowerShell_type(Type type)
    {
        Type[] withNested = ModuleAssembly.GetTypes().Where(t => TypeReferences.OuterType(t) == type).ToArray();

        Assert.Empty(ReferencesToPowerShell(withNested));
    }

    [Fact]
    public void The_scan_sees_PowerShell_where_the_commands_use_it()
    {
        // Without this the tests above could pass blind: a cmdlet's base, and the calls in a method body, are seen.
        Assert.NotEmpty(ReferencesToPowerShell([typeof(WxPayscoreCommandBase)]));
        Assert.Contains(typeof(PSObject), TypeReferences.TypesUsedBy(typeof(WxPayscoreBulkCommandBase)));
    }

    private static bool KnowsPowerShell(Type type) => type.Namespace == CommandsNamespace || type == typeof(ModuleInitializer);

    /// <summary>"Type -> PowerShell type" for each reference, attributes on the type and its members included.</summary>
    private static string[] ReferencesToPowerShell(IEnumerable<Type> types) => types
        .SelectMany(t => TypeReferences.TypesUsedBy(t).Concat(AttributeTypes(t))
            .Where(used => used.Assembly == PowerShell)
            .Select(used => $"{t.FullName} -> {used.FullName}"))
        .Distinct()
        .ToArray();

    private static IEnumerable<Type> AttributeTypes(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetCustomAttributesData()
            .Concat(type.GetMembers(declared).SelectMany(m => m.GetCustomAttributesData()))
            .Select(a => a.AttributeType);
    }
}
