using System;
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
                    return "there is no such file";
                case DirectoryNotFoundException _:
                    return "its folder does not exist";
                case PathTooLongException _:
                    return "the path is too long";
                case ArgumentException _:
                case NotSupportedException _:
                    return "the path is not valid";
                default:
                    if (Directory.Exists(path))
                    {
                        return "it is a folder, not a file";
                    }

                    return ex is UnauthorizedAccessException
                        ? "access to it is denied"
                        : $"it could not be read: the file is in use or the disk failed (I/O error 0x{ex.HResult:X8})";
            }
        }

        /// <summary>The path in quotes, as a message may show it: a short excerpt.</summary>
        public static string Quote(string path) => "'" + UserText.ExcerptPath(path) + "'";

        /// <summary>"the file 'x'" at the start of a sentence.</summary>
        public static string Capitalize(string text) =>
            text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
