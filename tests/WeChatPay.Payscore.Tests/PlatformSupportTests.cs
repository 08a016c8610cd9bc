using System.Net;
using System.Reflection;
using WeChatPay.Payscore.Platform;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The Windows PowerShell 5.1 code paths, as far as they run here: the decisions they make are plain functions.
/// Their effect on .NET Framework itself is not exercised on this machine.
/// </summary>
public sealed class PlatformSupportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-resolve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Tls12_is_added_to_the_protocols_the_process_has_and_never_replaces_them()
    {
        Assert.Equal(SecurityProtocolType.Tls | SecurityProtocolType.Tls12, PlatformSupport.WithTls12(SecurityProtocolType.Tls));
        Assert.Equal(
            SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13,
            PlatformSupport.WithTls12(SecurityProtocolType.Tls11 | SecurityProtocolType.Tls13));
        Assert.Equal(SecurityProtocolType.Tls12, PlatformSupport.WithTls12(SecurityProtocolType.Tls12));
    }

    [Fact]
    public void The_operating_systems_default_protocol_choice_is_left_alone()
    {
        Assert.Equal((SecurityProtocolType)0, PlatformSupport.WithTls12((SecurityProtocolType)0));
    }

    [Theory]
    [InlineData(2, 64, 64)]
    [InlineData(500, 64, 500)]
    public void The_connection_limit_is_raised_never_lowered(int current, int wanted, int expected)
    {
        Assert.Equal(expected, PlatformSupport.RaisedLimit(current, wanted));
    }

    [Fact]
    public void This_test_host_is_not_dotnet_framework_so_none_of_it_runs_here()
    {
        Assert.False(PlatformSupport.IsNetFramework);
    }

    [Fact]
    public void A_dependency_the_module_ships_is_served_at_the_requested_version_or_lower()
    {
        AssemblyName shipped = ShipXunitAssert();
        var requested = new AssemblyName(shipped.FullName) { Version = new Version(shipped.Version!.Major, 0, 0, 0) };

        Assert.Equal(Path.Combine(_dir, "xunit.assert.dll"), DependencyResolver.FindCandidate(requested, _dir));
        Assert.Equal(Path.Combine(_dir, "xunit.assert.dll"), DependencyResolver.FindCandidate(shipped, _dir));
    }

    [Fact]
    public void A_request_for_a_newer_version_than_the_module_ships_is_left_to_others()
    {
        AssemblyName shipped = ShipXunitAssert();
        var newer = new AssemblyName(shipped.FullName) { Version = new Version(shipped.Version!.Major + 1, 0, 0, 0) };

        Assert.Null(DependencyResolver.FindCandidate(newer, _dir));
    }

    [Fact]
    public void A_request_with_another_public_key_token_is_left_to_others()
    {
        AssemblyName shipped = ShipXunitAssert();
        var otherPublisher = new AssemblyName(shipped.FullName);
        otherPublisher.SetPublicKeyToken([1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Null(DependencyResolver.FindCandidate(otherPublisher, _dir));
    }

    [Theory]
    [InlineData("Some.Other.Module")]
    [InlineData("..\\..\\evil")]
    public void Assemblies_the_module_does_not_ship_are_left_to_others(string name)
    {
        ShipXunitAssert();

        Assert.Null(DependencyResolver.FindCandidate(new AssemblyName { Name = name }, _dir));
    }

    /// <summary>A strong-named assembly copied into the temporary "module folder".</summary>
    private AssemblyName ShipXunitAssert()
    {
        Assembly assembly = typeof(Assert).Assembly;
        File.Copy(assembly.Location, Path.Combine(_dir, "xunit.assert.dll"), overwrite: true);
        return assembly.GetName();
    }
}
