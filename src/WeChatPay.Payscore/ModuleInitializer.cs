using System.Management.Automation;
#if NETFRAMEWORK
using WeChatPay.Payscore.Platform;
#endif

namespace WeChatPay.Payscore
{
    /// <summary>
    /// Runs when the module is imported and removed; prepares Windows PowerShell 5.1 and nothing else (the .NET
    /// build has no dependencies of its own to serve).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport()
        {
#if NETFRAMEWORK
            DependencyResolver.Install();
            PlatformSupport.EnsureTls12();
#endif
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
#if NETFRAMEWORK
            DependencyResolver.Uninstall();
#endif
        }
    }
}
