using System;
using System.Globalization;
using System.IO;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>
    /// Reading key and certificate files, with the failure turned into a configuration error that names the file.
    /// The I/O exception itself is not passed on: its message and ToString() quote the whole path.
    /// </summary>
    internal static class KeyFile
    {
        /// <param name="fail">Makes the error from the I/O exception and <see cref="Why"/> it happened, in words.</param>
        public static byte[] ReadBytes(string path, Func<Exception, string, PayscoreException> fail)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception ex) when (IsFileError(ex))
            {
                throw fail(ex, Why(ex, path));
            }
        }

        public static string ReadText(string path, Func<Exception, string, PayscoreException> fail)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (IsFileError(ex))
            {
                throw fail(ex, Why(ex, path));
            }
        }

        /// <summary>True when <paramref name="ex"/> is how opening or reading a file fails (a bad path included).</summary>
        public static bool IsFileError(Exception ex) =>
            ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException;

        /// <summary>Why <paramref name="path"/> could not be read, in words that do not repeat the path.</summary>
        public static string Why(Exception ex, string path)
        {
            switch (ex)
            {
                case FileNotFoundException _:
                    return Messages.Format("Crypto.WhyNoSuchFile");
                case DirectoryNotFoundException _:
                    return Messages.Format("Crypto.WhyFolderMissing");
                case PathTooLongException _:
                    return Messages.Format("Crypto.WhyPathTooLong");
                case ArgumentException _:
                case NotSupportedException _:
                    return Messages.Format("Crypto.WhyPathInvalid");
                default:
                    if (Directory.Exists(path))
                    {
                        return Messages.Format("Crypto.WhyIsFolder");
                    }

                    return ex is UnauthorizedAccessException
                        ? Messages.Format("Crypto.WhyAccessDenied")
                        : Messages.Format("Crypto.WhyIoError", ex.HResult.ToString("X8", CultureInfo.InvariantCulture));
            }
        }

        /// <summary>The path in quotes, as a message may show it: a short excerpt.</summary>
        public static string Quote(string path) => "'" + UserText.ExcerptPath(path) + "'";

        /// <summary>How a message names a file: "the file 'x'", with its path quoted.</summary>
        public static string TheFile(string path) => Messages.Format("Crypto.TheFile", Quote(path));

        /// <summary>"the file 'x'" at the start of a sentence.</summary>
        public static string Capitalize(string text) =>
            text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
