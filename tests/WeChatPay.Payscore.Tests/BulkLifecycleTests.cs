using System.Management.Automation;
using System.Reflection;
using WeChatPay.Payscore.Commands;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The bulk base owns the row lifecycle: no bulk cmdlet can skip readying the run or settling the rows in flight.</summary>
public class BulkLifecycleTests
{
    private static readonly string[] Lifecycle = { "BeginProcessing", "ProcessRecord", "EndProcessing" };

    [Fact]
    public void The_bulk_base_seals_begin_process_and_end()
    {
        foreach (string name in Lifecycle)
        {
            MethodInfo method = typeof(WxPayscoreBulkCommandBase).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)!;
            Assert.Equal(typeof(WxPayscoreBulkCommandBase), method.DeclaringType);
            Assert.True(method.IsFinal, $"{name} can be overridden, so a cmdlet could skip the run's setup or settling");
        }
    }

    [Fact]
    public void Every_bulk_cmdlet_goes_through_the_base_lifecycle()
    {
        Type[] cmdlets = typeof(WxPayscoreBulkCommandBase).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(WxPayscoreBulkCommandBase)) && !t.IsAbstract)
            .ToArray();

        Assert.Contains(typeof(InvokeWxPayscoreTerminateCommand), cmdlets);
        Assert.Contains(typeof(GetWxPayscorePermissionCommand), cmdlets);
        foreach (Type cmdlet in cmdlets)
        {
            Assert.NotNull(cmdlet.GetCustomAttribute<CmdletAttribute>());
            foreach (string name in Lifecycle)
            {
                MethodInfo method = cmdlet.GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)!;
                Assert.Equal(typeof(WxPayscoreBulkCommandBase), method.DeclaringType);
            }
        }
    }
}
