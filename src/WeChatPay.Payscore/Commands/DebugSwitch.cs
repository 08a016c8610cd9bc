using System;
using System.Management.Automation;
using System.Reflection;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// Makes -Debug show the command's debug, verbose and warning lines without asking. PowerShell asks before each verbose
    /// line of a compiled cmdlet run with -Debug but not -Verbose (and Windows PowerShell 5.1 before each debug line
    /// too): a host that cannot ask (a runbook, pwsh -NonInteractive) then ends the command before anything is sent.
    /// The command's own preferences are set as $DebugPreference = 'Continue' would have them, on its runtime only,
    /// so nothing outside the command changes. PowerShell keeps these settings internal; where it has none of them
    /// (a future version), nothing is changed.
    /// </summary>
    internal static class DebugSwitch
    {
        private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

        public static void NeverAsk(PSCmdlet cmdlet)
        {
            if (Preferences.BoundSwitch(cmdlet, "Debug") != true)
            {
                return;
            }

            if (cmdlet.CommandRuntime is not object runtime)
            {
                return;
            }

            Type type = runtime.GetType();
            TrySet(type.GetProperty("DebugPreference", Instance), runtime, ActionPreference.Continue);
            if (!cmdlet.MyInvocation.BoundParameters.ContainsKey("WarningAction"))
            {
                // -Debug asks before each warning too (the first-use trust of platform certificates is one).
                TrySet(type.GetProperty("WarningPreference", Instance), runtime, ActionPreference.Continue);
            }

            if (!cmdlet.MyInvocation.BoundParameters.ContainsKey("Verbose"))
            {
                // -Debug implies -Verbose for a compiled cmdlet; this keeps it, without the question.
                TrySet(type.GetProperty("Verbose", Instance), runtime, true);
            }
        }

        private static void TrySet(PropertyInfo? property, object target, object value)
        {
            if (property?.CanWrite != true || !property.PropertyType.IsInstanceOfType(value))
            {
                return;
            }

            try
            {
                property.SetValue(target, value);
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is ArgumentException || ex is MethodAccessException)
            {
                // Not this PowerShell's runtime: leave its preferences as they are.
            }
        }
    }
}
