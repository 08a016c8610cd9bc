using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Other thresholds than <see cref="RunHealthLimits.Default"/> for the runs of one runspace: tests use small ones,
    /// so that a dead host stops a run at once rather than after 30 s. Not a setting users can reach.
    /// </summary>
    internal static class RunHealthOverrides
    {
        private static readonly ConditionalWeakTable<Runspace, RunHealthLimits> Limits = new ConditionalWeakTable<Runspace, RunHealthLimits>();
        private static readonly object Gate = new object();

        public static void Set(Runspace runspace, RunHealthLimits limits)
        {
            lock (Gate)
            {
                Limits.Remove(runspace);
                Limits.Add(runspace, limits);
            }
        }

        public static RunHealthLimits For(Runspace? runspace) =>
            runspace != null && Limits.TryGetValue(runspace, out RunHealthLimits? limits) ? limits : RunHealthLimits.Default;
    }
}
