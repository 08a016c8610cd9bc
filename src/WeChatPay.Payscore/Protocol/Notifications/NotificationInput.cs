using System;
using System.IO;
using System.Text;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>One notification as received: its headers and its raw body, the exact bytes WeChat Pay signed.</summary>
    internal sealed class NotificationInput
    {
        /// <summary>The largest body read: a Pay Score notification is well under 2 KiB.</summary>
        public const int MaxBodyBytes = 64 * 1024;

        /// <param name="storedAs">The text encoding the file was in when it was not UTF-8 (UTF-16 LE): its body is that text as UTF-8.</param>
        public NotificationInput(NotificationHeaders headers, byte[] body, string description, string? path = null, string? storedAs = null)
        {
            Headers = headers;
            Body = body;
            Description = description;
            Path = path;
            StoredAs = storedAs;
        }

        public NotificationHeaders Headers { get; }

        public byte[] Body { get; }

        /// <summary>Names the notification in messages: its file, or its place in the input.</summary>
        public string Description { get; }

        public string? Path { get; }

        /// <summary>
        /// Set when the file was text in another encoding than WeChat Pay's UTF-8 (UTF-16 LE, as Windows PowerShell
        /// 5.1's &gt; writes): its body is that text encoded as UTF-8 again, which a refused signature's message names.
        /// </summary>
        public string? StoredAs { get; }

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
                        if (stream.CanSeek)
                        {
                            stream.Position = 0;
                        }

                        bytes = BoundedRead.ReadAtMost(stream, MaxBodyBytes) ?? throw TooLarge(description);
                    }
                    catch (Exception ex) when (ex is IOException || ex is NotSupportedException || ex is ObjectDisposedException)
                    {
                        throw new PayscoreNotificationException(
                            ErrorIds.NotificationUnreadable, Messages.Format("Notify.BodyStreamUnreadable", description, ex.GetType().Name));
                    }

                    break;
                default:
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationMalformed,
                        body == null
                            ? Messages.Format("Notify.BodyMissing", description)
                            : Messages.Format("Notify.BodyOfWrongType", description, UserText.Excerpt(body.GetType().Name)));
            }

            if (bytes.Length > MaxBodyBytes)
            {
                throw TooLarge(description);
            }

            return bytes;
        }

        private static PayscoreNotificationException TooLarge(string description) =>
            new PayscoreNotificationException(
                ErrorIds.NotificationMalformed,
                Messages.Format("Notify.BodyTooLarge", description, MaxBodyBytes / 1024));
    }
}
