using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeChatPay.Payscore.Platform;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>What an earlier run's journal says of an authorization.</summary>
    internal enum JournalEntry
    {
        None = 0,

        /// <summary>A request was about to be sent; no final record followed (the run died, or the row was in flight).</summary>
        Sending = 1,

        /// <summary>Ended, as the row's final record says.</summary>
        Done = 2,

        /// <summary>WeChat Pay refused, or the row was never sent: sending again is safe.</summary>
        Failed = 3,

        /// <summary>The final record leaves the outcome open (timeout, broken connection, unverified answer).</summary>
        Unknown = 4,
    }

    /// <summary>
    /// An append-only JSON Lines file with one record per finished row, and one before each row's first request.
    /// The final record of a row is on disk before the row's result is written to the pipeline; a run that is
    /// killed leaves at worst a torn last line, which the next run drops. <c>Get-Content j.jsonl | ConvertFrom-Json</c>
    /// reads it, while a run writes it too.
    /// </summary>
    internal sealed class RunJournal : IDisposable
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

        /// <summary>
        /// For tests: a stream to write through instead of the journal file at a full path (one that fails as a full
        /// disk does), given the file's stream.
        /// </summary>
        internal static readonly ConcurrentDictionary<string, Func<Stream, Stream>> WriteInterceptors =
            new ConcurrentDictionary<string, Func<Stream, Stream>>(StringComparer.Ordinal);

        private readonly FileStream? _file;
        private readonly Stream? _output;
        private readonly KeyTable _previous;
        private readonly MemoryStream _line = new MemoryStream(512);

        // Records not yet handed to the OS: each goes out whole, so a failed write leaves at most one torn line.
        private readonly MemoryStream _pending = new MemoryStream(4096);
        private bool _unsynced;

        private RunJournal(string path, FileStream? file, Stream? output, KeyTable previous, int previousRecords, int tornBytes)
        {
            Path = path;
            _file = file;
            _output = output;
            _previous = previous;
            PreviousRecords = previousRecords;
            TornBytes = tornBytes;
        }

        public string Path { get; }

        /// <summary>Records read from an earlier run.</summary>
        public int PreviousRecords { get; }

        /// <summary>Bytes of a torn last line (a run killed while writing) that were dropped.</summary>
        public int TornBytes { get; }

        /// <summary>
        /// Why the journal could not be written (a full disk), once a write failed; null until then. From then on
        /// nothing more is written: the run is to send no further row, and to stop with this error once the rows in
        /// flight have their results out.
        /// </summary>
        public PayscoreConfigurationException? Failure { get; private set; }

        /// <summary>
        /// Opens (or creates) the journal, reads what earlier runs recorded and drops a torn last line. With
        /// <paramref name="readOnly"/> (-WhatIf) it only reads, and writes nothing; a missing file is then an empty journal.
        /// A file that is not a journal is refused and left as it was. <paramref name="intercept"/> is for tests
        /// (see <see cref="WriteInterceptors"/>).
        /// </summary>
        public static RunJournal Open(string path, bool readOnly = false, Func<Stream, Stream>? intercept = null)
        {
            if (Directory.Exists(path))
            {
                throw NotAFile(path, "a folder");
            }

            if (readOnly && !File.Exists(path))
            {
                return new RunJournal(path, null, null, new KeyTable(fullKeys: true), 0, 0);
            }

            // One run at a time: a hold on the journal's own handle for the run's life, which every name of the file
            // meets; readers of the journal are not locked out, and the operating system releases the hold of a run
            // that was killed. -WhatIf only reads, sharing the file with a run that may be writing it.
            FileStream file;
            try
            {
                file = readOnly
                    ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
                    : SingleWriterFile.Open(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw OpenFailure(ex, path);
            }

            try
            {
                if (!IsRegularFile(file, readOnly))
                {
                    throw NotAFile(path, "a device or a pipe");
                }

                var previous = new KeyTable(fullKeys: true);
                int records;
                long complete;
                using (var sha = SHA256.Create())
                {
                    (records, complete) = Read(file, previous, sha, path);
                }

                int torn = (int)(file.Length - complete);
                if (readOnly)
                {
                    file.Dispose();
                    return new RunJournal(path, null, null, previous, records, torn);
                }

                file.SetLength(complete);
                file.Seek(0, SeekOrigin.End);
                intercept ??= WriteInterceptors.TryGetValue(System.IO.Path.GetFullPath(path), out Func<Stream, Stream>? registered) ? registered : null;
                return new RunJournal(path, file, intercept?.Invoke(file) ?? file, previous, records, torn);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                file.Dispose();
                throw new PayscoreConfigurationException(
                    ErrorIds.JournalUnavailable,
                    $"The journal '{UserText.ExcerptPath(path)}' cannot be read ({Reason(ex, path)}). Nothing was sent.");
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The error for a journal that cannot be opened, saying what stands in the way: a missing folder, missing
        /// permission, another run, or what the operating system said.
        /// </summary>
        /// <remarks>
        /// The I/O exception is not passed on as the inner exception: its message and ToString() quote the whole path,
        /// and a message quotes user values only as excerpts (as <see cref="Crypto.KeyFile"/> does for key files).
        /// </remarks>
        internal static PayscoreConfigurationException OpenFailure(Exception ex, string path)
        {
            string name = UserText.ExcerptPath(path);
            switch (ex)
            {
                case DirectoryNotFoundException _:
                    return new PayscoreConfigurationException(
                        ErrorIds.JournalUnavailable,
                        $"The folder of the journal '{name}' does not exist. Create it, or give -JournalPath a file in an existing folder. Nothing was sent.");
                case UnauthorizedAccessException _:
                    return new PayscoreConfigurationException(
                        ErrorIds.JournalUnavailable,
                        $"Permission denied: this account may not read and write the journal '{name}'. Give -JournalPath a file it may write, or change the file's permissions. Nothing was sent.");
                case IOException io when SingleWriterFile.IsHeldByAnother(io):
                    return new PayscoreConfigurationException(
                        ErrorIds.JournalUnavailable,
                        $"The journal '{name}' is in use by another run (a journal belongs to one run at a time, whatever name it is given: a link, a relative path). Wait for the other run to end, or give this run its own -JournalPath. Nothing was sent.");
                case NotSupportedException _:
                    return NotAFile(path, "a device");
                default:
                    return new PayscoreConfigurationException(
                        ErrorIds.JournalUnavailable,
                        $"The journal '{name}' cannot be opened ({Reason(ex, path)}). Nothing was sent.");
            }
        }

        public JournalEntry Previous(RowKey key) => _previous.TryGet(key, out int state) ? (JournalEntry)state : JournalEntry.None;

        /// <summary>
        /// Before a row's first request: handed to the OS at once, which survives the process being killed. When it
        /// cannot be written, <see cref="Failure"/> says why, and the row must not be sent.
        /// </summary>
        public void RecordSending(long rowNumber, TerminateRequest request)
        {
            if (!IsWritable)
            {
                return;
            }

            Add(writer =>
            {
                writer.WriteString("event", "sending");
                WriteIdentity(writer, rowNumber, request.Route, request.Target.Fields, value => value);
                writer.WriteString("at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            });
            WritePending();
        }

        /// <summary>A row's final record; on disk once <see cref="Commit"/> returns, unless <see cref="Failure"/> says otherwise.</summary>
        public void RecordResult(TerminateResult result)
        {
            if (!IsWritable)
            {
                return;
            }

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

        /// <summary>Puts every record written so far on disk (one write and one sync for all the rows that finished together).</summary>
        public void Commit()
        {
            WritePending();
            if (_unsynced && IsWritable)
            {
                try
                {
                    _file.Flush(flushToDisk: true);
                    _unsynced = false;
                }
                catch (IOException ex)
                {
                    Fail(ex);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                Commit();
            }
            finally
            {
                _output?.Dispose();
                _file?.Dispose();
            }
        }

        /// <summary>A read-only journal (-WhatIf) has neither stream; a writable one is written to until a write fails.</summary>
        [MemberNotNullWhen(true, nameof(_file), nameof(_output))]
        private bool IsWritable => _file != null && _output != null && Failure == null;

        /// <summary>
        /// Hands the pending records to the OS in one write. After a failed write nothing more is written: what
        /// reached the file ends in at most one torn line, which the next run drops.
        /// </summary>
        private void WritePending()
        {
            if (_pending.Length == 0 || !IsWritable)
            {
                return;
            }

            try
            {
                _output.Write(_pending.GetBuffer(), 0, (int)_pending.Length);
                _output.Flush();
                _unsynced = true;
            }
            catch (IOException ex)
            {
                Fail(ex);
            }
            finally
            {
                _pending.SetLength(0);
            }
        }

        private void Fail(IOException ex)
        {
            Failure = new PayscoreConfigurationException(
                ErrorIds.JournalWriteFailed,
                $"The journal '{UserText.ExcerptPath(Path)}' could not be written ({Reason(ex, Path)}). No further rows were sent; the rows already sent "
                + "finished and their results are in the output, though the journal may lack their records. Free space on the journal's disk "
                + "(or fix what stopped the write), then run the same command with the same -JournalPath to resume: rows without a final record "
                + "are asked about before anything is sent again.");
        }

        /// <summary>Whether a final record with <paramref name="code"/> leaves the outcome open (<see cref="ResultCodeTable"/>).</summary>
        internal static JournalEntry Classify(bool success, string code)
        {
            if (success)
            {
                return JournalEntry.Done;
            }

            switch (ResultCodeTable.Of(code).Outcome)
            {
                case AuthorizationOutcome.Ended: return JournalEntry.Done;
                case AuthorizationOutcome.Open: return JournalEntry.Unknown;
                default: return JournalEntry.Failed;
            }
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

        private static RowFields ReadIdentity(JsonElement record) => RowFields.From(field => Optional(record, field.WireName));

        private static string? Optional(JsonElement record, string name) =>
            record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>Adds one record, as one line, to the records to hand to the OS.</summary>
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

        /// <summary>
        /// Whether the journal is a file on disk. A device reads as empty or endless and a pipe cannot be read
        /// again, and neither can be truncated: an empty one is tried with the truncation that drops a torn line
        /// anyway. (-WhatIf cannot try; it writes nothing, and a device there ends at the line cap.)
        /// </summary>
        private static bool IsRegularFile(FileStream file, bool readOnly)
        {
            if (!file.CanSeek)
            {
                return false;
            }

            if (readOnly || file.Length > 0)
            {
                return true;
            }

            try
            {
                file.SetLength(0);
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is NotSupportedException)
            {
                return false;
            }
        }

        /// <summary>
        /// Reads every complete line (a UTF-8 byte order mark before the first is skipped, as Windows PowerShell
        /// writes one); returns the records read and where the last complete line ends. A last line without a line
        /// end is dropped later only when it is the beginning of a record; anything else is not a journal.
        /// </summary>
        private static (int Records, long Complete) Read(FileStream file, KeyTable previous, SHA256 sha, string path)
        {
            file.Seek(0, SeekOrigin.Begin);
            int records = 0;
            long complete = 0;
            long position = 0;
            int lineNumber = 1;
            var line = new byte[MaxLineBytes];
            int length = 0;
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                int i = 0;
                while (i < read)
                {
                    int newline = Array.IndexOf(buffer, (byte)'\n', i, read - i);
                    int count = (newline < 0 ? read : newline) - i;
                    if (count > MaxLineBytes - length)
                    {
                        throw NotAJournal(path, $"line {lineNumber:N0} is longer than {MaxLineBytes / 1024} KiB, which no record this module writes is");
                    }

                    Buffer.BlockCopy(buffer, i, line, length, count);
                    length += count;
                    if (newline < 0)
                    {
                        break;
                    }

                    int start = lineNumber == 1 && StartsWith(line, 0, length, Utf8Bom) ? Utf8Bom.Length : 0;
                    if (!IsBlank(line, start, length))
                    {
                        Apply(line, start, length, previous, sha, path, lineNumber);
                        records++;
                    }

                    complete = position + newline + 1;
                    lineNumber++;
                    length = 0;
                    i = newline + 1;
                }

                position += read;
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
                    throw NotAJournal(path, $"its last line ({lineNumber:N0}) has no line end and is not the beginning of a record this module writes{Utf16Hint(line, length, lineNumber)}");
                }
            }

            return (records, complete);
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

        private static string Utf16Hint(byte[] line, int length, int lineNumber) =>
            lineNumber == 1 && length >= 2 && ((line[0] == 0xFF && line[1] == 0xFE) || (line[0] == 0xFE && line[1] == 0xFF))
                ? " (it is UTF-16 text, as Out-File writes in Windows PowerShell; a journal is UTF-8)"
                : string.Empty;

        private static void Apply(byte[] line, int start, int end, KeyTable previous, SHA256 sha, string path, int lineNumber)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(new ReadOnlyMemory<byte>(line, start, end - start)))
                {
                    JsonElement root = document.RootElement;
                    string kind = root.GetProperty("event").GetString() ?? string.Empty;
                    if (!AuthorizationTarget.TryCreate(ReadIdentity(root), out AuthorizationTarget? target, out _))
                    {
                        return; // a row with bad input: nothing to remember
                    }

                    RowKey key = RowKey.Of(target, sha);
                    if (kind == "sending")
                    {
                        // A request about to go out after a final record (a retry in a later run) reopens the row.
                        previous.Set(key, (int)JournalEntry.Sending);
                    }
                    else if (kind == "result")
                    {
                        string code = root.GetProperty("code").GetString() ?? string.Empty;
                        JournalEntry entry = Classify(root.GetProperty("success").GetBoolean(), code);
                        if (ResultCodeTable.Of(code).NeverSent)
                        {
                            return; // never sent: says nothing of the authorization
                        }

                        // A failure that was refused outright, after a request that may have landed, still leaves it open.
                        previous.TryGet(key, out int before);
                        if (entry == JournalEntry.Failed && before == (int)JournalEntry.Unknown)
                        {
                            entry = JournalEntry.Unknown;
                        }

                        previous.Set(key, (int)entry);
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is ArgumentException)
            {
                throw NotAJournal(path, $"line {lineNumber:N0} is not a record this module wrote ({ex.GetType().Name}){Utf16Hint(line, end, lineNumber)}", ex);
            }
        }

        private static PayscoreConfigurationException NotAJournal(string path, string why, Exception? inner = null) =>
            new PayscoreConfigurationException(
                ErrorIds.JournalInvalid,
                $"The file '{UserText.ExcerptPath(path)}' is not a journal: {why}. It was left as it was. Give -JournalPath a journal from Invoke-WxPayscoreTerminate, or a new file. Nothing was sent.",
                inner);

        private static PayscoreConfigurationException NotAFile(string path, string what) =>
            new PayscoreConfigurationException(
                ErrorIds.JournalInvalid,
                $"-JournalPath '{UserText.ExcerptPath(path)}' names {what}, not a file. Give it the path of a file: a journal from an earlier run, or a new one. Nothing was sent.");

        /// <summary>
        /// What the operating system said, as a short excerpt without the paths: its messages quote a path whole,
        /// and a message quotes user values only as excerpts. Give every path the message may name (a file and its
        /// folder); the longest are taken out first, so that a file's path goes whole, not as its folder and a rest.
        /// </summary>
        internal static string Reason(Exception ex, params string[] paths)
        {
            var names = new List<string>();
            foreach (string path in paths)
            {
                foreach (string? name in new[] { FullPathOrNull(path), path })
                {
                    if (!string.IsNullOrEmpty(name) && !names.Contains(name!))
                    {
                        names.Add(name!);
                    }
                }
            }

            names.Sort((a, b) => b.Length.CompareTo(a.Length));
            string message = ex.Message;
            foreach (string name in names)
            {
                message = message.Replace(" : '" + name + "'", string.Empty).Replace(name, "…");
            }

            return UserText.Excerpt(message.Trim().TrimEnd('.'));
        }

        private static string? FullPathOrNull(string path)
        {
            try
            {
                return System.IO.Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is IOException || ex is System.Security.SecurityException)
            {
                return null;
            }
        }
    }
}
