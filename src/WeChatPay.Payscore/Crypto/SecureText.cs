using System;
using System.Runtime.InteropServices;
using System.Security;

namespace WeChatPay.Payscore.Crypto
{
    /// <summary>Reads a <see cref="SecureString"/> for the moment a key or password is parsed.</summary>
    internal static class SecureText
    {
        /// <summary>
        /// The plain text of <paramref name="secret"/>. The unmanaged copy is zeroed at once; callers keep the
        /// managed string only as long as parsing takes and never put it in a message.
        /// </summary>
        public static string Reveal(SecureString secret)
        {
            IntPtr buffer = IntPtr.Zero;
            try
            {
                buffer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                return Marshal.PtrToStringUni(buffer) ?? string.Empty;
            }
            finally
            {
                if (buffer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(buffer);
                }
            }
        }

        public static SecureString FromPlainText(string text)
        {
            var secret = new SecureString();
            foreach (char c in text)
            {
                secret.AppendChar(c);
            }

            secret.MakeReadOnly();
            return secret;
        }
    }
}
