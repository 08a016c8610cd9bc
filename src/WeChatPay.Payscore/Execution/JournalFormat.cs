using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// The journal's format, whatever store holds it: JSON Lines in UTF-8, a "sending" record before a row's first
    /// request and a "result" record when it has finished. <c>Get-Content j.jsonl | ConvertFrom-Json</c> reads it.
    /// This class writes records into a buffer of whole lines, and splits a store's bytes into lines.
    /// </summary>
    internal sealed class JournalFormat : IDisposable
    {
        /// <summary>
        /// The longest line a journal may have. The records this module writes stay far below it (identifiers are
        /// short, free text is cut), so a longer line is not a journal's, and reading stops there rather than
        /// filling memory (a device such as /dev/zero has no line ends at all).
        /// </summary>
        internal const int MaxLineBytes = 64 * 1024;

        /// <summary>The most characters of WeChat Pay's or the module's message a record keeps.</summary>
        internal const int MaxMessageLength = 4000;

        /// <summary>The most characters of a code or Request-ID (values from the answer) a record keeps.</summary>
        private const int MaxAnswerValueLength = 128;

        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };

        /// <summary>How every record this module writes begins: a torn last line must be the beginning of one of them.</summary>
        private static readonly byte[][] RecordStarts =
        {
            Encoding.UTF8.GetBytes("{\"event\":\"sending\","),
            Encoding.UTF8.GetBytes("{\"event\":\"result\","),
        };

        /// <summary>How the record begins that closes a torn line in a store that cannot cut it (<see cref="TornLineEnd"/>).</summary>
        private static readonly byte[] TornStart = Encoding.UTF8.GetBytes("{\"event\":\"torn\",");

        private readonly MemoryStream _line = new MemoryStream(512);

        // Records not yet handed to the store: each goes out whole, so a failed write leaves at most one torn line.
        private readonly MemoryStream _pending = new MemoryStream(4096);

        /// <summary>The records added and not yet taken, as whole lines.</summary>
        public ArraySegment<byte> Pending => new ArraySegment<byte>(_pending.GetBuffer(), 0, (int)_pending.Length);

        /// <summary>Forgets the pending records (they were handed to the store, or cannot be).</summary>
        public void Clear() => _pending.SetLength(0);

        public void Dispose()
        {
            _line.Dispose();
            _pending.Dispose();
        }

        /// <summary>The record that a row's request is about to be sent.</summary>
        public void AddSending(long rowNumber, TerminateRequest request) =>
            Add(writer =>
            {
                writer.WriteString("event", "sending");
                WriteIdentity(writer, rowNumber, request.Route, request.Target.Fields, value => value);
                writer.WriteString("at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            });

        /// <summary>A row's final record.</summary>
        public void AddResult(TerminateResult result)
        {
            // A row with bad input names no authorization, and its values are as long as they came: they are kept as
            // excerpts, so that no record outgrows the line a journal may have.
            Func<string?, string?> identity = result.Code == ResultCodes.InvalidInput ? (Func<string?, string?>)(value => value == null ? null : UserText.Excerpt(value)) : value => value;
            Add(writer =>
            {
                writer.WriteString("event", "result");
                WriteIdentity(writer, result.RowNumber, result.Route, result.Identity, identity);
                writer.WriteBoolean("success", result.Success);
                writer.WriteString("code", Cut(result.Code, MaxAnswerValueLength));
                writer.WriteNumber("status", result.StatusCode);
                writer.WriteNumber("attempts", result.Attempts);
                writer.WriteString("message", Cut(result.Message, MaxMessageLength));
                if (result.RequestId != null)
                {
                    writer.WriteString("request_id", Cut(result.RequestId, MaxAnswerValueLength));
                }

                writer.WriteString("at", result.CompletedAt.ToString("o", CultureInfo.InvariantCulture));
            });
        }

        /// <summary>
        /// What closes a torn last line of <paramref name="bytes"/> bytes in a store that cannot cut it (an append
        /// blob): a line end, then a record that says the line before it was torn. Readers skip both.
        /// </summary>
        internal static byte[] TornLineEnd(long bytes) =>
            Encoding.UTF8.GetBytes("\n{\"event\":\"torn\",\"bytes\":" + bytes.ToString(CultureInfo.InvariantCulture)
                + ",\"at\":\"" + DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture) + "\"}\n");

        /// <summary>The fields that name the authorization of a record, by their WeChat Pay names.</summary>
        internal static RowFields ReadIdentity(JsonElement record) => RowFields.From(field => Optional(record, field.WireName));

        /// <summary>
        /// An authorization as Get-WxPayscoreJournal shows it, from the record that set its <paramref name="state"/>
        /// last: who it is, and for a final record its code, message (an excerpt), Request-ID and time.
        /// </summary>
        internal static JournalRow ReadRow(JsonElement record, JournalRowState state)
        {
            var row = new JournalRow(ReadIdentity(record), state);
            if (Optional(record, "event") == "result")
            {
                row.Code = Optional(record, "code");
                row.Message = Optional(record, "message") is string message ? UserText.Excerpt(message, JournalRow.MessageExcerpt) : null;
                row.RequestId = Optional(record, "request_id");
                row.CompletedAt = DateTimeOffset.TryParse(Optional(record, "at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset at) ? at : (DateTimeOffset?)null;
            }

            return row;
        }

        /// <summary>
        /// Reads every complete line of <paramref name="store"/> and hands each that is not blank to
        /// <paramref name="record"/> (a UTF-8 byte order mark before the first is skipped, as Windows PowerShell
        /// writes one); returns the bytes read and where the last complete line ends. A last line without a line
        /// end is left out when it is the beginning of a record (a torn record); anything else is not a journal, and
        /// <paramref name="notAJournal"/> makes the error that says why.
        /// </summary>
        internal static (int Records, long Read, long Complete) ReadLines(
            IJournalStore store, Action<ReadOnlyMemory<byte>> record, Func<string, Exception?, Exception> notAJournal)
        {
            int records = 0;
            long complete = 0;
            long position = 0;
            int lineNumber = 1;
            var line = new byte[MaxLineBytes];
            int length = 0;
            var buffer = new byte[64 * 1024];
            Exception? torn = null; // a line that is the beginning of a record and no more: fine when a torn record follows
            int read;
            while ((read = store.Read(buffer, 0, buffer.Length)) > 0)
            {
                int i = 0;
                while (i < read)
                {
                    int newline = Array.IndexOf(buffer, (byte)'\n', i, read - i);
                    int count = (newline < 0 ? read : newline) - i;
                    if (count > MaxLineBytes - length)
                    {
                        throw notAJournal(Messages.Format("Journal.LineTooLong", UserText.Count(lineNumber), MaxLineBytes / 1024), null);
                    }

                    Buffer.BlockCopy(buffer, i, line, length, count);
                    length += count;
                    if (newline < 0)
                    {
                        break;
                    }

                    int start = lineNumber == 1 && StartsWith(line, 0, length, Utf8Bom) ? Utf8Bom.Length : 0;
                    if (StartsWith(line, start, length, TornStart))
                    {
                        torn = null;
                    }
                    else if (torn != null)
                    {
                        throw torn;
                    }
                    else if (!IsBlank(line, start, length))
                    {
                        try
                        {
                            record(new ReadOnlyMemory<byte>(line, start, length - start));
                            records++;
                        }
                        catch (FormatException ex)
                        {
                            torn = notAJournal(
                                IsUtf16(line, length, lineNumber)
                                    ? Messages.Format("Journal.LineNotARecordUtf16", UserText.Count(lineNumber), ex.Message)
                                    : Messages.Format("Journal.LineNotARecord", UserText.Count(lineNumber), ex.Message),
                                ex.InnerException);
                            if (!IsRecordStart(line, start, length))
                            {
                                throw torn;
                            }
                        }
                    }

                    complete = position + newline + 1;
                    lineNumber++;
                    length = 0;
                    i = newline + 1;
                }

                position += read;
            }

            if (torn != null)
            {
                throw torn;
            }

            if (length > 0)
            {
                int start = lineNumber == 1 && StartsWith(line, 0, length, Utf8Bom) ? Utf8Bom.Length : 0;
                if (IsBlank(line, start, length))
                {
                    complete = position; // a byte order mark or spaces: nothing to drop, and nothing to keep out
                }
                else if (!IsRecordStart(line, start, length))
                {
                    throw notAJournal(
                        IsUtf16(line, length, lineNumber)
                            ? Messages.Format("Journal.LastLineUnendedUtf16", UserText.Count(lineNumber))
                            : Messages.Format("Journal.LastLineUnended", UserText.Count(lineNumber)),
                        null);
                }
            }

            return (records, position, complete);
        }

        /// <summary>The fields that name the authorization, by their WeChat Pay names; those a row does not have are left out.</summary>
        private static void WriteIdentity(Utf8JsonWriter writer, long rowNumber, TerminateRoute route, RowFields fields, Func<string?, string?> shown)
        {
            writer.WriteNumber("row", rowNumber);
            writer.WriteString("route", route.ToString());
            foreach (IdentityField field in RowFields.Identity)
            {
                string? value = field.Get(fields);
                if (value != null)
                {
                    writer.WriteString(field.WireName, shown(value));
                }
            }
        }

        private static string? Optional(JsonElement record, string name) =>
            record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary><paramref name="value"/> cut to at most <paramref name="max"/> characters (never inside a surrogate pair), "…" marking the cut.</summary>
        private static string Cut(string value, int max)
        {
            if (value.Length <= max)
            {
                return value;
            }

            int length = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
            return value.Substring(0, length) + "…";
        }

        /// <summary>True when line[start..end) is the beginning of a record this module writes, or begins with one.</summary>
        private static bool IsRecordStart(byte[] line, int start, int end)
        {
            foreach (byte[] recordStart in RecordStarts)
            {
                if (StartsWith(line, start, end, recordStart, allowShorter: true))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool StartsWith(byte[] line, int start, int end, byte[] prefix, bool allowShorter = false)
        {
            int length = end - start;
            if (length < prefix.Length && !allowShorter)
            {
                return false;
            }

            for (int i = 0; i < Math.Min(length, prefix.Length); i++)
            {
                if (line[start + i] != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Spaces, tabs and carriage returns only (a line end written by Windows leaves a '\r').</summary>
        private static bool IsBlank(byte[] line, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                if (line[i] != (byte)' ' && line[i] != (byte)'\t' && line[i] != (byte)'\r')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when the first line begins with a UTF-16 byte order mark: text as Out-File writes it in Windows PowerShell, which the message names.</summary>
        private static bool IsUtf16(byte[] line, int length, int lineNumber) =>
            lineNumber == 1 && length >= 2 && ((line[0] == 0xFF && line[1] == 0xFE) || (line[0] == 0xFE && line[1] == 0xFF));

        /// <summary>Adds one record, as one line, to the pending records.</summary>
        private void Add(Action<Utf8JsonWriter> body)
        {
            _line.SetLength(0);
            using (var writer = new Utf8JsonWriter(_line, WriterOptions))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            _line.WriteByte((byte)'\n');
            _line.WriteTo(_pending);
        }
    }
}
