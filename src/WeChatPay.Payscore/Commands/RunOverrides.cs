using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// What tests change for the runs of one runspace: smaller health thresholds, so that a dead host stops a run at
    /// once rather than after 30 s, and a shorter retry backoff, so that long runs of faults do not sleep. Kept per
    /// runspace, never process-wide, because several jobs share one process (an Azure Automation sandbox runs up to 10):
    /// one runspace's seam must not reach another's run. Not a setting users can reach.
    /// </summary>
    internal sealed class RunOverrides
    {
        /// <summary>What a runspace's runs use when nothing was changed: the module's own values.</summary>
        public static readonly RunOverrides None = new RunOverrides(RunHealthLimits.Default, RetryPolicy.DefaultBaseDelay);

        private static readonly ConditionalWeakTable<Runspace, RunOverrides> ByRunspace = new ConditionalWeakTable<Runspace, RunOverrides>();
        private static readonly object Gate = new object();

        private RunOverrides(RunHealthLimits health, TimeSpan retryBaseDelay)
        {
            Health = health;
            RetryBaseDelay = retryBaseDelay;
        }

        /// <summary>When a run is taken to have no chance.</summary>
        public RunHealthLimits Health { get; }

        /// <summary>The first retry's wait (<see cref="RetryPolicy.BaseDelay"/>).</summary>
        public TimeSpan RetryBaseDelay { get; }

        public RunOverrides WithHealth(RunHealthLimits health) => new RunOverrides(health, RetryBaseDelay);

        public RunOverrides WithRetryBaseDelay(TimeSpan retryBaseDelay) => new RunOverrides(Health, retryBaseDelay);

        /// <summary>Changes what the runs of <paramref name="runspace"/> use; what <paramref name="change"/> leaves alone stays.</summary>
        public static void Change(Runspace runspace, Func<RunOverrides, RunOverrides> change)
        {
            lock (Gate)
            {
                RunOverrides changed = change(For(runspace));
                ByRunspace.Remove(runspace);
                ByRunspace.Add(runspace, changed);
            }
        }

        /// <summary>What the runs of <paramref name="runspace"/> use: <see cref="None"/> unless a test changed it.</summary>
        public static RunOverrides For(Runspace? runspace) =>
            runspace != null && ByRunspace.TryGetValue(runspace, out RunOverrides? overrides) ? overrides : None;
    }
}
