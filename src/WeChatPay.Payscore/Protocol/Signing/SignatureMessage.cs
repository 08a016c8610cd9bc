using System;
using System.Text;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Both signatures of APIv3 cover text lines followed by the raw body and a final newline.
    /// The body is appended as bytes, never re-encoded, so that what is signed is what travels.
    /// </summary>
    internal static class SignatureMessage
    {
        /// <param name="lines">The lines before the body, each ending in '\n'.</param>
        public static byte[] Compose(string lines, byte[] body)
        {
            int headLength = Encoding.UTF8.GetByteCount(lines);
            var message = new byte[headLength + body.Length + 1];
            Encoding.UTF8.GetBytes(lines, 0, lines.Length, message, 0);
            Buffer.BlockCopy(body, 0, message, headLength, body.Length);
            message[message.Length - 1] = (byte)'\n';
            return message;
        }
    }
}
