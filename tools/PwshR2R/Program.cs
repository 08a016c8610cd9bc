using System.Management.Automation.Runspaces;

// pwsh as PowerShell's own console host starts it: the same parameters (-NoProfile, -File, -Command, ...).
return Microsoft.PowerShell.ConsoleShell.Start(InitialSessionState.CreateDefault2(), string.Empty, string.Empty, args);
