using System;
using System.IO;
using System.Reflection;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>
    /// Serves the module's own copies of its dependencies (System.Text.Json, System.Memory and the other
    /// netstandard2.0 facades) when .NET Framework cannot find them: Windows PowerShell 5.1 applies no binding
    /// redirects for a module, so a request for System.Memory 4.0.1.2 fails even with 4.0.1.2 next to the module.
    /// </summary>
    internal static class DependencyResolver
    {
        private static readonly string ModuleDirectory =
            Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? string.Empty;

        public static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            string? path = FindCandidate(new AssemblyName(args.Name), ModuleDirectory);
            return path == null ? null : Assembly.LoadFrom(path);
        }

        /// <summary>
        /// The module's copy of <paramref name="requested"/>, when it ships one at that version or later and with
        /// the same public key token; null otherwise, so that other modules' requests are left to them.
        /// </summary>
        internal static string? FindCandidate(AssemblyName requested, string directory)
        {
            if (string.IsNullOrEmpty(requested.Name) || requested.Name!.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
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
