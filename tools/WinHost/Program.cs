using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// winhost <script.ps1> [argument ...]: runs the script in a runspace made from InitialSessionState.CreateDefault2(),
// with the execution policy Bypass (a hosted runspace on Windows has no powershell.config.json and would be
// Restricted), and prints every output object as Out-String formats it, then every error record. Exit code: 0 when
// the script ran without a terminating error and wrote no error record, 1 otherwise, 2 for a usage error.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: winhost <script.ps1> [argument ...]");
    return 2;
}

var state = InitialSessionState.CreateDefault2();
state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
using var shell = PowerShell.Create(state);
shell.AddCommand(Path.GetFullPath(args[0]));
foreach (var argument in args.Skip(1))
{
    shell.AddArgument(argument);
}
shell.AddCommand("Out-String").AddParameter("Stream");

var failed = false;
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]);
shell.Streams.Error.DataAdded += (_, e) =>
{
    failed = true;
    var record = shell.Streams.Error[e.Index];
    Console.WriteLine($"ERROR: {record} ({record.FullyQualifiedErrorId})");
};
shell.Streams.Warning.DataAdded += (_, e) => Console.WriteLine($"WARNING: {shell.Streams.Warning[e.Index]}");
shell.Streams.Information.DataAdded += (_, e) => Console.WriteLine(shell.Streams.Information[e.Index]);
try
{
    shell.Invoke(null, output);
}
catch (RuntimeException exception)
{
    Console.WriteLine($"ERROR: {exception.ErrorRecord} ({exception.ErrorRecord.FullyQualifiedErrorId})");
    Console.WriteLine(exception.ErrorRecord.ScriptStackTrace);
    return 1;
}

return failed || shell.HadErrors ? 1 : 0;
