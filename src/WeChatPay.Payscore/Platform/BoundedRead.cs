using System;
using System.IO;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>Reading what may be larger than it says: a file can grow while it is read, and a device reports no length at all.</summary>
    internal static class BoundedRead
    {
        /// <summary>
        /// The whole stream, read to its end but never past <paramref name="limit"/> + 1 bytes, whatever length it
        /// reports; null when it holds more than <paramref name="limit"/>.
        /// </summary>
        public static byte[]? ReadAtMost(Stream stream, int limit)
        {
            var buffer = new byte[limit + 1];
            int length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            if (length > limit)
            {
                return null;
            }

            var content = new byte[length];
            Buffer.BlockCopy(buffer, 0, content, 0, length);
            return content;
        }
    }
}
