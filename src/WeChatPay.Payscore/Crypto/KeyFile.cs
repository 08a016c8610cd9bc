using System;
using System.IO;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>Reading key and certificate files, with the failure turned into a configuration error that names the file.</summary>
    internal static class KeyFile
    {
        /// <param name="fail">Makes the error from the I/O exception; its message is safe to show (a path, never content).</param>
        public static byte[] ReadBytes(string path, Func<Exception, PayscoreConfigurationException> fail)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw fail(ex);
            }
        }

        public static string ReadText(string path, Func<Exception, PayscoreConfigurationException> fail)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw fail(ex);
            }
        }

        /// <summary>"the file 'x'" at the start of a sentence.</summary>
        public static string Capitalize(string text) =>
            text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
