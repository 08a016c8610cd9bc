using System;
using System.Management.Automation;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore
{
    /// <summary>Runs once when the module is imported; prepares Windows PowerShell 5.1 and nothing else.</summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            if (!PlatformSupport.IsNetFramework)
            {
                return;
            }

            AppDomain.CurrentDomain.AssemblyResolve += DependencyResolver.Resolve;
            PlatformSupport.EnsureTls12();
        }
    }
}
