using System;
using System.Management.Automation;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// What a common parameter says for one command: its value as bound on the command line, else what its preference
    /// variable says where the command runs ($WhatIfPreference, $VerbosePreference, $ErrorActionPreference). One place,
    /// so that every command reads -WhatIf, -Verbose, -Debug and -ErrorAction the same way.
    /// </summary>
    internal static class Preferences
    {
        /// <summary>A switch's value when it is bound (-Debug, -Debug:$false); null when it is not.</summary>
        public static bool? BoundSwitch(PSCmdlet cmdlet, string name) =>
            cmdlet.MyInvocation.BoundParameters.TryGetValue(name, out object? value) ? IsOn(value) : (bool?)null;

        /// <summary>-WhatIf, or $WhatIfPreference: nothing may be changed.</summary>
        public static bool IsPreview(PSCmdlet cmdlet) =>
            BoundSwitch(cmdlet, "WhatIf") ?? LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));

        /// <summary>Whether anyone sees the verbose or the debug stream (<paramref name="stream"/>): -Verbose or -Debug, else its preference.</summary>
        public static bool IsStreamWanted(PSCmdlet cmdlet, string stream)
        {
            bool? bound = BoundSwitch(cmdlet, stream);
            if (bound.HasValue)
            {
                return bound.Value;
            }

            string preference = PreferenceText(cmdlet.GetVariableValue(stream + "Preference"));
            return preference.Length > 0 && !Is(preference, ActionPreference.SilentlyContinue) && !Is(preference, ActionPreference.Ignore);
        }

        /// <summary>True when the next non-terminating error ends the pipeline: -ErrorAction Stop or Inquire, or that preference.</summary>
        public static bool ErrorsStop(PSCmdlet cmdlet)
        {
            string preference = PreferenceText(cmdlet.MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? bound)
                ? bound
                : cmdlet.GetVariableValue("ErrorActionPreference"));
            return Is(preference, ActionPreference.Stop) || Is(preference, ActionPreference.Inquire);
        }

        private static bool IsOn(object? value) => value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value);

        // A preference may be an ActionPreference or text ('Stop'), as a script sets it.
        private static string PreferenceText(object? preference) => (preference is PSObject wrapped ? wrapped.BaseObject : preference)?.ToString() ?? string.Empty;

        private static bool Is(string preference, ActionPreference action) => string.Equals(preference, action.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
