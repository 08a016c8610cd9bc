using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// The session connection of each runspace. Keyed by runspace so that parallel runspaces in one process
    /// (ForEach-Object -Parallel, hosted automation workers) do not see each other's merchants.
    /// </summary>
    internal static class ConnectionStore
    {
        private static readonly ConditionalWeakTable<Runspace, PayscoreConnection> Connections =
            new ConditionalWeakTable<Runspace, PayscoreConnection>();

        private static readonly object Gate = new object();

        public static PayscoreConnection? Current
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace != null && Connections.TryGetValue(runspace, out PayscoreConnection? connection) ? connection : null;
            }
        }

        public static void Set(PayscoreConnection connection)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            lock (Gate)
            {
                Connections.Remove(runspace);
                Connections.Add(runspace, connection);
            }
        }

        /// <summary>
        /// Forgets the connection. Its keys are not disposed here: a pipeline of this runspace may still be signing
        /// with them; they are released when nothing refers to them any more.
        /// </summary>
        public static bool Remove()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            lock (Gate)
            {
                return runspace != null && Connections.Remove(runspace);
            }
        }
    }
}
