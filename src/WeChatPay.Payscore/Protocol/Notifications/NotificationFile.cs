using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Reads a stored notification. Two forms, told apart by their first character:
    /// <list type="bullet">
    /// <item>the HTTP request as received (a web server's dump, a .http file): an optional request line
    /// (<c>POST /notify HTTP/1.1</c>), <c>Name: value</c> header lines, an empty line, then the body's exact bytes
    /// (CRLF or LF line ends; line breaks after a body that Content-Length says is shorter are dropped, as an editor adds them);</item>
    /// <item>JSON <c>{"headers": {"Wechatpay-Timestamp": "...", ...}, "body": "&lt;the raw body as a string&gt;"}</c>,
    /// each header's value a string or a list of strings, as web frameworks serialize their header dictionaries.</item>
    /// </list>
    /// Either form is UTF-8 (with or without a byte order mark), or UTF-16 with its byte order mark, as Windows
    /// PowerShell 5.1's <c>&gt;</c> writes a callback it was handed as text: that text is read, and the body taken as
    /// its UTF-8 again, the bytes WeChat Pay sent and signed.
    /// </summary>
    internal static class NotificationFile
    {
        public const int MaxFileBytes = NotificationInput.MaxBodyBytes + 16 * 1024;

        /// <summary>
        /// The bytes of the stored notification file at <paramref name="path"/>, at most <see cref="MaxFileBytes"/>
        /// whatever length the file reports (it may grow while it is read). What is not a regular file is refused
        /// before it is opened: opening a FIFO waits for a writer, and a device such as /dev/zero never ends.
        /// </summary>
        public static byte[] Read(string path, string description)
        {
            RefuseUnlessRegular(FileKinds.Of(path), description);
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    RefuseUnlessRegular(FileKinds.Of(file.SafeFileHandle), description);
                    return Content(file, description);
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw Unreadable(Messages.Format("Notify.FileNotFound", description));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Unreadable(Messages.Format("Notify.FileUnreadable", description, ex.GetType().Name));
            }
        }

        /// <summary>A stored notification's bytes from an open file; more than <see cref="MaxFileBytes"/> is refused, and never read.</summary>
        internal static byte[] Content(Stream file, string description) =>
            BoundedRead.ReadAtMost(file, MaxFileBytes)
            ?? throw Malformed(Messages.Format("Notify.FileTooLarge", description, MaxFileBytes / 1024));

        public static NotificationInput Parse(byte[] content, string description, string? path)
        {
            string? storedAs = null;
            bool? bigEndian = Utf16ByteOrder(content);
            if (bigEndian != null)
            {
                storedAs = bigEndian.Value ? "UTF-16 BE" : "UTF-16 LE";
                content = AsUtf8(content, new UnicodeEncoding(bigEndian.Value, byteOrderMark: false, throwOnInvalidBytes: true), storedAs, description);
            }
            else if (content.Length >= 2 && (content[0] == 0) != (content[1] == 0))
            {
                throw Malformed(Messages.Format("Notify.FileUtf16WithoutBom", description));
            }

            int start = content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF ? 3 : 0;
            int first = start;
            while (first < content.Length && (content[first] == ' ' || content[first] == '\t' || content[first] == '\r' || content[first] == '\n'))
            {
                first++;
            }

            if (first == content.Length)
            {
                throw Malformed(Messages.Format("Notify.FileEmpty", description));
            }

            return content[first] == '{'
                ? ParseJson(new ReadOnlyMemory<byte>(content, start, content.Length - start), description, path, storedAs)
                : ParseHttp(content, start, description, path, storedAs);
        }

        /// <summary>Whether a UTF-16 byte order mark says big-endian; null without one.</summary>
        private static bool? Utf16ByteOrder(byte[] content)
        {
            if (content.Length >= 2 && content[0] == 0xFF && content[1] == 0xFE)
            {
                return false;
            }

            return content.Length >= 2 && content[0] == 0xFE && content[1] == 0xFF ? true : (bool?)null;
        }

        /// <summary>UTF-16 text (after its byte order mark) as UTF-8, the encoding WeChat Pay sends and signs.</summary>
        private static byte[] AsUtf8(byte[] content, Encoding utf16, string name, string description)
        {
            try
            {
                return Encoding.UTF8.GetBytes(utf16.GetString(content, 2, content.Length - 2));
            }
            catch (ArgumentException)
            {
                // DecoderFallbackException: an odd byte at the end, or half of a surrogate pair.
                throw Malformed(Messages.Format("Notify.FileNotUtf16", description, name));
            }
        }

        private static void RefuseUnlessRegular(FileKind kind, string description)
        {
            switch (kind)
            {
                case FileKind.Regular:
                case FileKind.Unknown:
                    return;
                case FileKind.Directory:
                    throw Unreadable(Messages.Format("Notify.FileIsDirectory", description));
                default:
                    throw Unreadable(Messages.Format("Notify.FileNotRegular", description, FileKinds.Describe(kind)));
            }
        }

        private static NotificationInput ParseJson(ReadOnlyMemory<byte> content, string description, string? path, string? storedAs)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(content))
                {
                    JsonElement root = document.RootElement;
                    JsonElement? headers = Property(root, "headers");
                    JsonElement? body = Property(root, "body");
                    if (headers == null || body == null)
                    {
                        throw Malformed(Messages.Format("Notify.JsonWithoutHeadersAndBody", description));
                    }

                    if (body.Value.ValueKind != JsonValueKind.String)
                    {
                        throw Malformed(Messages.Format("Notify.JsonBodyNotString", description));
                    }

                    if (headers.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Malformed(Messages.Format("Notify.JsonHeadersNotObject", description));
                    }

                    var result = new NotificationHeaders();
                    foreach (JsonProperty header in headers.Value.EnumerateObject())
                    {
                        result.Add(header.Name, HeaderValues(header.Value));
                    }

                    return new NotificationInput(result, Encoding.UTF8.GetBytes(body.Value.GetString() ?? string.Empty), description, path, storedAs);
                }
            }
            catch (JsonException)
            {
                throw Malformed(Messages.Format("Notify.JsonInvalid", description));
            }
        }

        /// <summary>A header's value as text: a string or number, or each of a list; nothing for anything else.</summary>
        private static List<string> HeaderValues(JsonElement value)
        {
            var texts = new List<string>();
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    texts.Add(value.GetString() ?? string.Empty);
                    break;
                case JsonValueKind.Number:
                    texts.Add(value.GetRawText());
                    break;
                case JsonValueKind.Array:
                    foreach (JsonElement item in value.EnumerateArray())
                    {
                        texts.AddRange(HeaderValues(item));
                    }

                    break;
            }

            return texts;
        }

        private static JsonElement? Property(JsonElement root, string name)
        {
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in root.EnumerateObject())
                {
                    if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return property.Value;
                    }
                }
            }

            return null;
        }

        private static NotificationInput ParseHttp(byte[] content, int start, string description, string? path, string? storedAs)
        {
            var headers = new NotificationHeaders();
            int position = start;
            bool firstLine = true;
            while (true)
            {
                int end = Array.IndexOf(content, (byte)'\n', position);
                if (end < 0)
                {
                    throw Malformed(Messages.Format("Notify.HeadersNotEnded", description));
                }

                int length = end - position;
                if (length > 0 && content[end - 1] == '\r')
                {
                    length--;
                }

                string line = Encoding.UTF8.GetString(content, position, length);
                position = end + 1;
                if (line.Length == 0)
                {
                    break;
                }

                int colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    // The request line (POST /notify HTTP/1.1) may come first; nothing else without a colon may.
                    if (firstLine && line.IndexOf(' ') > 0)
                    {
                        firstLine = false;
                        continue;
                    }

                    throw Malformed(Messages.Format("Notify.LineNotHeader", description, UserText.Excerpt(line)));
                }

                firstLine = false;
                headers.Add(line.Substring(0, colon), line.Substring(colon + 1));
            }

            int bodyLength = content.Length - position;
            if (long.TryParse(headers[NotificationHeaders.ContentLength], NumberStyles.None, CultureInfo.InvariantCulture, out long declared)
                && declared < bodyLength
                && OnlyLineBreaks(content, position + (int)declared))
            {
                bodyLength = (int)declared;
            }

            var body = new byte[bodyLength];
            Buffer.BlockCopy(content, position, body, 0, bodyLength);
            return new NotificationInput(headers, body, description, path, storedAs);
        }

        private static bool OnlyLineBreaks(byte[] content, int from)
        {
            for (int i = from; i < content.Length; i++)
            {
                if (content[i] != '\r' && content[i] != '\n')
                {
                    return false;
                }
            }

            return true;
        }

        private static PayscoreNotificationException Malformed(string message) =>
            new PayscoreNotificationException(ErrorIds.NotificationMalformed, message);

        private static PayscoreNotificationException Unreadable(string message) =>
            new PayscoreNotificationException(ErrorIds.NotificationUnreadable, message);
    }
}
