using System.Reflection;
using WeChatPay.Payscore.Platform;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Which assembly requests the Windows PowerShell 5.1 build answers from its dependencies/ folder: only those of the
/// module and of its own dependencies, never another module's.
/// </summary>
public sealed class DependencyResolverTests : IDisposable
{
    private const string Module = "WeChatPay.Payscore";
    private readonly string _moduleDir = Directory.CreateTempSubdirectory("wxpay-module-").FullName;
    private readonly string _dependencies;
    private readonly DependencyResolver _resolver;

    public DependencyResolverTests()
    {
        _dependencies = Path.Combine(_moduleDir, DependencyResolver.FolderName);
        Directory.CreateDirectory(_dependencies);
        _resolver = new DependencyResolver(Module, _dependencies, ["System.Text.Json", "System.Memory"]);
    }

    public void Dispose() => Directory.Delete(_moduleDir, recursive: true);

    [Fact]
    public void The_modules_request_for_one_of_its_dependencies_is_answered()
    {
        Assert.True(_resolver.Answers("System.Text.Json", true, Module, Path.Combine(_moduleDir, Module + ".dll")));
        Assert.True(_resolver.Answers("system.memory", true, Module, Path.Combine(_moduleDir, Module + ".dll")));
    }

    [Fact]
    public void A_dependency_loaded_from_the_folder_asking_for_another_is_answered()
    {
        Assert.True(_resolver.Answers("System.Memory", true, "System.Text.Json", Path.Combine(_dependencies, "System.Text.Json.dll")));
    }

    [Fact]
    public void A_namesake_of_a_dependency_loaded_from_elsewhere_is_a_stranger()
    {
        string elsewhere = Path.Combine(Path.GetTempPath(), "OtherModule", "System.Text.Json.dll");

        Assert.False(_resolver.Answers("System.Memory", true, "System.Text.Json", elsewhere));
        Assert.False(_resolver.Answers("System.Memory", true, "System.Text.Json", null));
    }

    [Theory]
    [InlineData("Other.Module")]
    [InlineData("System.Management.Automation")]
    [InlineData("WeChatPay.Payscore.Extra")]
    public void Another_assemblys_request_for_a_name_the_module_ships_is_left_to_it(string stranger)
    {
        Assert.False(_resolver.Answers("System.Text.Json", true, stranger, Path.Combine(_moduleDir, stranger + ".dll")));
    }

    [Fact]
    public void Names_the_module_does_not_ship_are_never_answered_even_for_the_module()
    {
        Assert.False(_resolver.Answers("Newtonsoft.Json", true, Module, Path.Combine(_moduleDir, Module + ".dll")));
        Assert.False(_resolver.Answers("Newtonsoft.Json", false, null, null));
        Assert.False(_resolver.Answers(null, true, Module, null));
    }

    [Fact]
    public void A_request_whose_requester_is_unknown_is_answered_by_name_alone()
    {
        Assert.True(_resolver.Answers("System.Text.Json", false, null, null));
    }

    [Fact]
    public void The_handler_returns_nothing_to_a_stranger_even_when_the_folder_has_the_file()
    {
        Assembly shipped = typeof(Assert).Assembly;
        File.Copy(shipped.Location, Path.Combine(_dependencies, "xunit.assert.dll"));
        DependencyResolver resolver = DependencyResolver.For(FakeModuleAt(_moduleDir));

        Assert.True(resolver.Answers("xunit.assert", false, null, null));
        Assert.Null(resolver.Resolve(null, new ResolveEventArgs(shipped.FullName!, typeof(DependencyResolverTests).Assembly)));
    }

    [Fact]
    public void The_folder_decides_which_names_are_dependencies()
    {
        File.WriteAllText(Path.Combine(_dependencies, "System.Buffers.dll"), "x");
        DependencyResolver resolver = DependencyResolver.For(FakeModuleAt(_moduleDir));

        Assert.True(resolver.Answers("System.Buffers", true, Module, null));
        Assert.False(resolver.Answers("System.Text.Json", true, Module, null));
    }

    /// <summary>
    /// Jobs that share a process (an Azure Automation sandbox) each import the module into their own runspace; one
    /// job that removes it must not take the resolver from the others, which still load their dependencies through it.
    /// </summary>
    [Fact]
    public void The_resolver_stays_until_every_import_of_the_module_is_removed()
    {
        Assert.False(DependencyResolver.IsInstalled);
        try
        {
            DependencyResolver.Install(); // job A imports the module
            DependencyResolver.Install(); // job B imports it, in its own runspace of the same process

            DependencyResolver.Uninstall(); // job A removes it
            Assert.True(DependencyResolver.IsInstalled);

            DependencyResolver.Uninstall(); // job B removes it
            Assert.False(DependencyResolver.IsInstalled);
        }
        finally
        {
            while (DependencyResolver.IsInstalled)
            {
                DependencyResolver.Uninstall();
            }
        }
    }

    /// <summary>The module assembly, as seen from a copy of it in <paramref name="directory"/>.</summary>
    private static Assembly FakeModuleAt(string directory)
    {
        string copy = Path.Combine(directory, Module + ".dll");
        File.Copy(typeof(DependencyResolver).Assembly.Location, copy, overwrite: true);
        return new ModuleAssemblyAt(typeof(DependencyResolver).Assembly, copy);
    }

    private sealed class ModuleAssemblyAt(Assembly real, string location) : Assembly
    {
        public override string Location => location;

        public override AssemblyName GetName() => real.GetName();
    }
}
