using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Configuration;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Commands
{
    /// <summary>
    /// What every command of the module does the same way: its messages speak its session's language (<see cref="Messages"/>), Ctrl+C cancels its waits (<see cref="StopToken"/>), lines
    /// gathered off the pipeline thread are written on it (<see cref="Replay"/>), errors carry the module's ids and
    /// their categories (<see cref="Stop"/>, <see cref="CategoryOf(string)"/>), and paths are read as PowerShell's own
    /// cmdlets read them. -Debug never asks (<see cref="DebugSwitch"/>).
    /// </summary>
    public abstract class WxPayscoreCommandBase : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>
        /// PowerShell creates a command on its session's pipeline thread: the messages of the command, and of all the
        /// work it starts on the thread pool, are written in that session's UI culture.
        /// </summary>
        protected WxPayscoreCommandBase() => Messages.UseCulture(CultureInfo.CurrentUICulture);

        /// <summary>Cancelled by Ctrl+C (StopProcessing): every wait of the command passes it on.</summary>
        internal CancellationToken StopToken => _stopping.Token;

        /// <summary>Whether Ctrl+C stopped the command.</summary>
        internal bool IsStopping => _stopping.IsCancellationRequested;

        protected override void BeginProcessing() => DebugSwitch.NeverAsk(this);

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>
        /// Waits on the pipeline thread for work that runs off it, passing it <see cref="StopToken"/>; Ctrl+C ends the
        /// wait as PowerShell expects a stopped command to end (<see cref="PipelineStoppedException"/>): what was
        /// already written stays written.
        /// </summary>
        internal void WaitFor(Action<CancellationToken> wait)
        {
            try
            {
                wait(StopToken);
            }
            catch (OperationCanceledException) when (IsStopping)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Waits for asynchronous work as <see cref="WaitFor(Action{CancellationToken})"/> does; its value.</summary>
        internal T WaitFor<T>(Func<CancellationToken, Task<T>> work)
        {
            T value = default!;
            WaitFor(stopping => value = work(stopping).GetAwaiter().GetResult());
            return value;
        }

        /// <summary>Cancels what is still running; the owner of the token source disposes it.</summary>
        internal void CancelWork() => _stopping.Cancel();

        public virtual void Dispose() => _stopping.Dispose();

        /// <summary>Writes the lines gathered off the pipeline thread, on it: debug first, then verbose.</summary>
        internal void Replay(Diagnostics? diagnostics)
        {
            if (diagnostics == null)
            {
                return;
            }

            foreach (string line in diagnostics.Debug)
            {
                WriteDebug(line);
            }

            foreach (string line in diagnostics.Verbose)
            {
                WriteVerbose(line);
            }
        }

        /// <summary>Stops the command with a configuration error, its id as the error id; written as <c>throw Stop(...)</c>.</summary>
        internal Exception Stop(PayscoreException ex, object? target = null)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.ErrorId), target));
            return ex; // not reached: ThrowTerminatingError always throws
        }

        /// <summary>Writes a non-terminating error with the configuration error's id and category; the command goes on.</summary>
        internal void WriteError(PayscoreException ex, object? target) =>
            WriteError(new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.ErrorId), target));

        /// <summary>The PowerShell category of a command's error id (<see cref="ErrorIdTable"/>).</summary>
        internal static ErrorCategory CategoryOf(string errorId) => CategoryOf(ErrorIdTable.CategoryOf(errorId));

        /// <summary>The PowerShell category a table's category names (the tables know nothing of PowerShell).</summary>
        internal static ErrorCategory CategoryOf(ResultCategory category) =>
            (ErrorCategory)Enum.Parse(typeof(ErrorCategory), category.ToString());

        /// <summary>
        /// The file-system path of a path setting's value, taken as it is (no wildcards: a file or folder to create),
        /// or a stop with a configuration error. The value is checked for key material first: PowerShell's own path
        /// errors quote it whole.
        /// </summary>
        internal string ResolvePath(string path, PathSetting setting)
        {
            try
            {
                return PathOf(path, setting);
            }
            catch (PayscoreException ex)
            {
                throw Stop(ex);
            }
        }

        /// <summary>
        /// <see cref="ResolvePath(string, PathSetting)"/> for a command that goes on after a bad path (one per pipeline
        /// input): the configuration error is thrown as it is, for the command to write (<see cref="WriteError(PayscoreException, object)"/>).
        /// </summary>
        internal string PathOf(string path, PathSetting setting)
        {
            PayscoreException? problem = setting.KeyMaterialProblem(path) ?? setting.ControlCharacterProblem(path);
            if (problem != null)
            {
                throw problem;
            }

            try
            {
                return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception ex) when (ex is SessionStateException || ex is ProviderInvocationException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw setting.Unresolvable(path);
            }
        }

        /// <summary>
        /// The one file a setting that reads a file names: its value as it is, or, when that names nothing and holds
        /// wildcards, the one file the pattern matches; a pattern that matches none or several stops the command.
        /// </summary>
        internal string ResolveFile(string path, PathSetting setting)
        {
            IReadOnlyList<string> files = ResolveFiles(path, setting);
            if (files.Count > 1)
            {
                throw Stop(setting.SeveralMatches(path, files.Count));
            }

            return files[0];
        }

        /// <summary>
        /// The files a setting's value names, as PowerShell's own cmdlets read -Path: a path that exists, or that has
        /// no wildcards, as it is (so a file named key[1].pem is found by that name, and a missing file is reported by
        /// whoever reads it); else every file (not folder) its pattern matches, at least one.
        /// </summary>
        internal IReadOnlyList<string> ResolveFiles(string path, PathSetting setting)
        {
            string literal = ResolvePath(path, setting);
            if (!WildcardPattern.ContainsWildcardCharacters(path) || File.Exists(literal) || Directory.Exists(literal))
            {
                return new[] { literal };
            }

            var files = new List<string>();
            try
            {
                foreach (string match in SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider))
                {
                    if (provider.Name == "FileSystem" && File.Exists(match))
                    {
                        files.Add(match);
                    }
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is SessionStateException || ex is ProviderInvocationException || ex is ArgumentException || ex is NotSupportedException)
            {
                // Nothing matched (a folder of the pattern is missing): the same as no match.
            }

            return files.Count > 0 ? files : throw Stop(setting.NoMatch(path));
        }
    }
}
