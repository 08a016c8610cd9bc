using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>
    /// Serves the .NET Framework build's own copies of its dependencies (System.Text.Json, System.Memory and the
    /// other netstandard2.0 facades) from its <c>dependencies/</c> folder. Windows PowerShell 5.1 applies no binding
    /// redirects for a module, and probes only next to the module, where these files are not: so every request for
    /// them comes here, and only those made by this module or by its own dependencies are answered. Another
    /// module's request for, say, System.Memory is left to that module, whatever version it wants, and this module
    /// never gets a copy somebody else loaded.
    /// </summary>
    internal sealed class DependencyResolver
    {
        public const string FolderName = "dependencies";

        private static readonly object Gate = new object();
        private static DependencyResolver? _installed;
        private static int _imports;

        private readonly string _moduleAssemblyName;
        private readonly string _directory;
        private readonly HashSet<string> _dependencies;

        public DependencyResolver(string moduleAssemblyName, string directory, IEnumerable<string> dependencyNames)
        {
            _moduleAssemblyName = moduleAssemblyName;
            _directory = Path.GetFullPath(directory);
            _dependencies = new HashSet<string>(dependencyNames, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The resolver for the module assembly <paramref name="module"/>: its dependencies folder and the files in it.</summary>
        public static DependencyResolver For(Assembly module)
        {
            string directory = Path.Combine(Path.GetDirectoryName(module.Location) ?? string.Empty, FolderName);
            IEnumerable<string> names = Directory.Exists(directory)
                ? Directory.GetFiles(directory, "*.dll").Select(file => Path.GetFileNameWithoutExtension(file) ?? string.Empty)
                : Enumerable.Empty<string>();
            return new DependencyResolver(module.GetName().Name ?? string.Empty, directory, names);
        }

        /// <summary>Whether the module's resolver is in place in this process.</summary>
        internal static bool IsInstalled
        {
            get
            {
                lock (Gate)
                {
                    return _installed != null;
                }
            }
        }

        /// <summary>
        /// Puts the module's resolver in place, once however often the module is imported; counts the imports, since
        /// the runspaces of one process (the jobs of an Azure Automation sandbox) each import the module.
        /// </summary>
        public static void Install()
        {
            lock (Gate)
            {
                _imports++;
                if (_installed == null)
                {
                    _installed = For(typeof(DependencyResolver).Assembly);
                    AppDomain.CurrentDomain.AssemblyResolve += _installed.Resolve;
                }
            }
        }

        /// <summary>
        /// Takes the resolver away again when the last import of the module is removed: a runspace that removes it
        /// must not take it from another runspace still running the module's commands.
        /// </summary>
        public static void Uninstall()
        {
            lock (Gate)
            {
                _imports = Math.Max(0, _imports - 1);
                if (_installed != null && _imports == 0)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= _installed.Resolve;
                    _installed = null;
                }
            }
        }

        public Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var requested = new AssemblyName(args.Name);
            Assembly? requester = args.RequestingAssembly;
            if (!Answers(requested.Name, requester != null, requester?.GetName().Name, requester == null || requester.IsDynamic ? null : requester.Location))
            {
                return null;
            }

            string? path = FindCandidate(requested, _directory);
            return path == null ? null : Assembly.LoadFrom(path);
        }

        /// <summary>
        /// Whether a request for <paramref name="requestedName"/> is this module's to answer: the name must be one
        /// of its dependencies, and the request must come from the module assembly or from a file of its
        /// dependencies folder. .NET Framework sometimes does not say who asks (<paramref name="requesterKnown"/>
        /// false); then the name alone decides, as in PSResourceGet, since without an answer the load fails anyway.
        /// </summary>
        internal bool Answers(string? requestedName, bool requesterKnown, string? requesterName, string? requesterPath)
        {
            if (Strings.IsEmpty(requestedName) || !_dependencies.Contains(requestedName))
            {
                return false;
            }

            if (!requesterKnown)
            {
                return true;
            }

            if (string.Equals(requesterName, _moduleAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // A dependency asks for another: only the copy loaded from this folder counts, not a namesake of another module.
            return !Strings.IsEmpty(requesterPath)
                && requesterName != null && _dependencies.Contains(requesterName)
                && string.Equals(Path.GetDirectoryName(Path.GetFullPath(requesterPath)), _directory, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// The module's copy of <paramref name="requested"/>, when it ships one at that version or later and with
        /// the same public key token; null otherwise, so that other modules' requests are left to them.
        /// </summary>
        internal static string? FindCandidate(AssemblyName requested, string directory)
        {
            if (Strings.IsEmpty(requested.Name) || requested.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                return null;
            }

            string path = Path.Combine(directory, requested.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }

            AssemblyName shipped;
            try
            {
                shipped = AssemblyName.GetAssemblyName(path);
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is IOException)
            {
                return null;
            }

            if (requested.Version != null && shipped.Version != null && shipped.Version < requested.Version)
            {
                return null;
            }

            byte[]? wantedToken = requested.GetPublicKeyToken();
            if (wantedToken != null && wantedToken.Length > 0 && !SameBytes(wantedToken, shipped.GetPublicKeyToken()))
            {
                return null;
            }

            return path;
        }

        private static bool SameBytes(byte[] a, byte[]? b)
        {
            if (b == null || a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
