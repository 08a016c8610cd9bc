using System.Reflection;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Configuration;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Settings are layered, checked and loaded in Configuration, and reach the protocol only as the client
/// <see cref="ResolvedCredentials"/> builds: Protocol, Execution and Crypto know nothing of how settings are given.
/// The check reads every type's signatures, locals and the members its code calls, compiler-made types included
/// (<see cref="TypeReferences"/>).
/// </summary>
public sealed class ConfigurationLayerTests
{
    private const string ConfigurationNamespace = "WeChatPay.Payscore.Configuration";

    private static readonly Assembly ModuleAssembly = typeof(ClientSettings).Assembly;

    [Theory]
    [InlineData("WeChatPay.Payscore.Protocol")]
    [InlineData("WeChatPay.Payscore.Execution")]
    [InlineData("WeChatPay.Payscore.Crypto")]
    public void A_lower_layer_refers_to_no_configuration_type(string layer)
    {
        Type[] types = ModuleAssembly.GetTypes().Where(t => TypeReferences.OuterType(t).Namespace == layer).ToArray();
        Assert.NotEmpty(types);

        string[] references = types
            .SelectMany(t => TypeReferences.TypesUsedBy(t).Where(IsConfiguration).Select(used => $"{t.FullName} -> {used.FullName}"))
            .Distinct()
            .ToArray();

        Assert.Empty(references);
    }

    [Fact]
    public void The_commands_reach_configuration_through_the_merge_and_the_resolver()
    {
        // The scan sees calls made in method bodies, not only signatures: without this the test above could pass blind.
        Type[] used = TypeReferences.TypesUsedBy(typeof(WxPayscoreCredentialCommandBase)).ToArray();

        Assert.Contains(typeof(SettingsMerge), used);
        Assert.Contains(typeof(EnvironmentSettings), used);
        Assert.Contains(typeof(CredentialResolver), used);
    }

    private static bool IsConfiguration(Type type) => TypeReferences.OuterType(type).Namespace == ConfigurationNamespace;
}
