using System;
using System.IO;
using System.Text;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>One notification as received: its headers and its raw body, the exact bytes WeChat Pay signed.</summary>
    internal sealed class NotificationInput
    {
        /// <summary>The largest body read: a Pay Score notification is well under 2 KiB.</summary>
        public const int MaxBodyBytes = 64 * 1024;

        public NotificationInput(NotificationHeaders headers, byte[] body, string description, string? path = null)
        {
            Headers = headers;
            Body = body;
            Description = description;
            Path = path;
        }

        public NotificationHeaders Headers { get; }

        public byte[] Body { get; }

        /// <summary>Names the notification in messages: its file, or its place in the input.</summary>
        public string Description { get; }

        public string? Path { get; }

        /// <summary>
        /// The raw body from what a web framework hands over: a string (decoded from UTF-8, as WeChat Pay sends it),
        /// the bytes, or a stream (read from its start when it can seek). A <see cref="PayscoreNotificationException"/>
        /// for anything else, or a body over <see cref="MaxBodyBytes"/>.
        /// </summary>
        public static byte[] BodyBytes(object? body, string description)
        {
            byte[] bytes;
            switch (body)
            {
                case string text:
                    bytes = Encoding.UTF8.GetBytes(text);
                    break;
                case byte[] raw:
                    bytes = raw;
                    break;
                case Stream stream:
                    try
                    {
                        bytes = ReadBounded(stream, description);
                    }
                    catch (Exception ex) when (ex is IOException || ex is NotSupportedException || ex is ObjectDisposedException)
                    {
                        throw new PayscoreNotificationException(
                            ErrorIds.NotificationUnreadable, $"{description}: the body stream cannot be read ({ex.GetType().Name}); was it read before?");
                    }

                    break;
                default:
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationMalformed,
                        $"{description}: the body is {(body == null ? "missing" : "a " + UserText.Excerpt(body.GetType().Name))}; give the raw body as received, as a string, a byte[] or a Stream (the signature covers its exact bytes, so a parsed object cannot be checked).");
            }

            if (bytes.Length > MaxBodyBytes)
            {
                throw TooLarge(description);
            }

            return bytes;
        }

        private static byte[] ReadBounded(Stream stream, string description)
        {
            if (stream.CanSeek)
            {
                stream.Position = 0;
            }

            using (var copy = new MemoryStream())
            {
                var buffer = new byte[8192];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    copy.Write(buffer, 0, read);
                    if (copy.Length > MaxBodyBytes)
                    {
                        throw TooLarge(description);
                    }
                }

                return copy.ToArray();
            }
        }

        private static PayscoreNotificationException TooLarge(string description) =>
            new PayscoreNotificationException(
                ErrorIds.NotificationMalformed,
                $"{description}: the body is over {MaxBodyBytes / 1024} KiB; a WeChat Pay notification is far smaller.");
    }
}
