using System;
using System.Management.Automation;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore
{
    /// <summary>
    /// Runs when the module is imported and removed; prepares Windows PowerShell 5.1 and nothing else (the .NET
    /// build has no dependencies of its own to serve).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
#if NETFRAMEWORK
        private static readonly object Gate = new object();
        private static DependencyResolver? _resolver;
#endif

        public void OnImport()
        {
#if NETFRAMEWORK
            lock (Gate)
            {
                if (_resolver == null)
                {
                    _resolver = DependencyResolver.For(typeof(ModuleInitializer).Assembly);
                    AppDomain.CurrentDomain.AssemblyResolve += _resolver.Resolve;
                }
            }

            PlatformSupport.EnsureTls12();
#endif
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
#if NETFRAMEWORK
            lock (Gate)
            {
                if (_resolver != null)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= _resolver.Resolve;
                    _resolver = null;
                }
            }
#endif
        }
    }
}
