using System.Management.Automation;
using System.Text;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Everything a command left where a person, a transcript or a job log could read it, as text: its output, its
/// errors (as shown, their exceptions with inner exceptions, Format-List * -Force of both, Get-Error), $Error and
/// every stream; for the tests that look there for a secret.
/// </summary>
internal static class LeftBehind
{
    /// <summary>Switches every stream on in the session, as -Verbose -Debug -InformationAction Continue would.</summary>
    public const string AllStreamsOn =
        "$global:VerbosePreference = 'Continue'; $global:DebugPreference = 'Continue'; $global:InformationPreference = 'Continue'; $global:WarningPreference = 'Continue'";

    /// <summary>How a script shows $Error in full: each record and each exception with Format-List * -Force, then Get-Error.</summary>
    private const string ShowErrors =
        "$shown = @($Error); $shown | Format-List * -Force | Out-String -Width 500; "
        + "foreach ($e in $shown) { $x = if ($e -is [System.Management.Automation.ErrorRecord]) { $e.Exception } else { $e }; $x | Format-List * -Force | Out-String -Width 500; \"$x\" }; "
        + "if ($shown.Count -gt 0) { Get-Error -Newest $shown.Count | Out-String -Width 500 }";

    /// <summary>The run's output, errors and streams, and the session's $Error as read and as a script shows it.</summary>
    public static StringBuilder Text(HostedSession session, HostedRun run)
    {
        var text = new StringBuilder();
        foreach (PSObject output in run.Output)
        {
            text.AppendLine(output.ToString());
            foreach (PSPropertyInfo property in output.Properties)
            {
                text.AppendLine(property.Value?.ToString());
            }
        }

        foreach (object error in run.Errors.Concat(session.DollarError()))
        {
            AppendError(text, error);
        }

        foreach (IEnumerable<string> stream in new[] { run.Warnings, run.Verbose, run.Debug, run.Information })
        {
            text.AppendJoin('\n', stream).AppendLine();
        }

        return text.AppendLine(session.Script(ShowErrors));
    }

    private static void AppendError(StringBuilder text, object error)
    {
        if (error is PSObject wrapped)
        {
            error = wrapped.BaseObject;
        }

        if (error is ErrorRecord record)
        {
            text.AppendLine(record.ToString())
                .AppendLine(record.FullyQualifiedErrorId)
                .AppendLine(record.CategoryInfo.ToString())
                .AppendLine(record.TargetObject?.ToString())
                .AppendLine(record.ErrorDetails?.Message)
                .AppendLine(record.ErrorDetails?.RecommendedAction)
                .AppendLine(record.InvocationInfo?.PositionMessage)
                .AppendLine(record.ScriptStackTrace);
            error = record.Exception;
        }

        for (var ex = error as Exception; ex != null; ex = ex.InnerException)
        {
            text.AppendLine(ex.ToString()).AppendLine(ex.Message);
            if (ex is IContainsErrorRecord inner && inner.ErrorRecord.Exception != ex)
            {
                AppendError(text, inner.ErrorRecord);
            }
        }

        text.AppendLine(error?.ToString());
    }
}
