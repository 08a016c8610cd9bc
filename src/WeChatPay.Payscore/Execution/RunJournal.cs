using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
    /// reads it.
    /// </summary>
    internal sealed class RunJournal : IDisposable
    {
        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly FileStream? _file;
        private readonly FileStream? _lock;
        private readonly KeyTable _previous;
        private readonly MemoryStream _line = new MemoryStream(512);
        private bool _unflushed;

        private RunJournal(string path, FileStream? file, FileStream? runLock, KeyTable previous, int previousRecords, int tornBytes)
        {
            Path = path;
            _file = file;
            _lock = runLock;
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
        /// Opens (or creates) the journal, reads what earlier runs recorded and drops a torn last line. With
        /// <paramref name="readOnly"/> (-WhatIf) it only reads, and writes nothing; a missing file is then an empty journal.
        /// </summary>
        public static RunJournal Open(string path, bool readOnly = false)
        {
            if (readOnly && !File.Exists(path))
            {
                return new RunJournal(path, null, null, new KeyTable(fullKeys: true), 0, 0);
            }

            // One run at a time: an exclusive lock on "<journal>.lock" for the run's life. Readers of the journal
            // itself are not locked out, and the operating system releases the lock of a run that was killed.
            FileStream? runLock = null;
            FileStream file;
            try
            {
                if (!readOnly)
                {
                    runLock = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }

                file = readOnly
                    ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
                    : new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                runLock?.Dispose();
                throw new PayscoreConfigurationException(
                    ErrorIds.JournalUnavailable,
                    $"The journal '{path}' cannot be opened ({ex.Message}). Another run may be using it; give each run its own -JournalPath, or wait for the other to end.",
                    ex);
            }

            try
            {
                var previous = new KeyTable(fullKeys: true);
                using (var sha = SHA256.Create())
                {
                    (int records, long complete) = Read(file, previous, sha, path);
                    int torn = (int)(file.Length - complete);
                    if (readOnly)
                    {
                        file.Dispose();
                        return new RunJournal(path, null, null, previous, records, torn);
                    }

                    file.SetLength(complete);
                    file.Seek(0, SeekOrigin.End);
                    return new RunJournal(path, file, runLock, previous, records, torn);
                }
            }
            catch
            {
                file.Dispose();
                runLock?.Dispose();
                throw;
            }
        }

        public JournalEntry Previous(RowKey key) => _previous.TryGet(key, out int state) ? (JournalEntry)state : JournalEntry.None;

        /// <summary>Before a row's first request: handed to the OS at once, which survives the process being killed.</summary>
        public void RecordSending(long rowNumber, TerminateRequest request)
        {
            if (_file == null)
            {
                return;
            }

            Write(writer =>
            {
                writer.WriteString("event", "sending");
                WriteIdentity(writer, rowNumber, request.Route, request.Target.Fields);
                writer.WriteString("at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            });
            _file.Flush();
        }

        /// <summary>A row's final record; on disk once <see cref="Commit"/> returns.</summary>
        public void RecordResult(TerminateResult result)
        {
            if (_file == null)
            {
                return;
            }

            Write(writer =>
            {
                writer.WriteString("event", "result");
                WriteIdentity(writer, result.RowNumber, result.Route, new RowFields
                {
                    OpenId = result.OpenId,
                    ServiceId = result.ServiceId,
                    AppId = result.AppId,
                    AuthorizationCode = result.AuthorizationCode,
                    SubMerchantId = result.SubMerchantId,
                    SubAppId = result.SubAppId,
                    SubOpenId = result.SubOpenId,
                });
                writer.WriteBoolean("success", result.Success);
                writer.WriteString("code", result.Code);
                writer.WriteNumber("status", result.StatusCode);
                writer.WriteNumber("attempts", result.Attempts);
                writer.WriteString("message", result.Message);
                if (result.RequestId != null)
                {
                    writer.WriteString("request_id", result.RequestId);
                }

                writer.WriteString("at", result.CompletedAt.ToString("o", CultureInfo.InvariantCulture));
            });
            _unflushed = true;
        }

        /// <summary>Puts every record written so far on disk (one flush for all the rows that finished together).</summary>
        public void Commit()
        {
            if (_unflushed && _file != null)
            {
                _file.Flush(flushToDisk: true);
                _unflushed = false;
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
                _file?.Dispose();
                _lock?.Dispose();
            }
        }

        /// <summary>Whether a final record with <paramref name="code"/> leaves the outcome open.</summary>
        internal static JournalEntry Classify(bool success, string code)
        {
            if (success)
            {
                return JournalEntry.Done;
            }

            switch (code)
            {
                case ResultCodes.AlreadyEnded:
                    return JournalEntry.Done;
                case ResultCodes.Timeout:
                case ResultCodes.NetworkError:
                case ResultCodes.ResponseUnverified:
                case ResultCodes.SignatureProbe:
                case ResultCodes.OutcomeUnknown:
                case ResultCodes.InternalError:
                case ResultCodes.UnexpectedResponse:
                    return JournalEntry.Unknown;
                default:
                    return JournalEntry.Failed;
            }
        }

        /// <summary>The fields that name the authorization, by their WeChat Pay names; those a row does not have are left out.</summary>
        private static void WriteIdentity(Utf8JsonWriter writer, long rowNumber, TerminateRoute route, RowFields fields)
        {
            writer.WriteNumber("row", rowNumber);
            writer.WriteString("route", route.ToString());
            foreach ((string name, string? value) in IdentityFields(fields))
            {
                if (value != null)
                {
                    writer.WriteString(name, value);
                }
            }
        }

        private static IEnumerable<(string Name, string? Value)> IdentityFields(RowFields f)
        {
            yield return ("openid", f.OpenId);
            yield return ("service_id", f.ServiceId);
            yield return ("appid", f.AppId);
            yield return ("authorization_code", f.AuthorizationCode);
            yield return ("sub_mchid", f.SubMerchantId);
            yield return ("sub_appid", f.SubAppId);
            yield return ("sub_openid", f.SubOpenId);
        }

        private static RowFields ReadIdentity(JsonElement record) => new RowFields
        {
            OpenId = Optional(record, "openid"),
            ServiceId = Optional(record, "service_id"),
            AppId = Optional(record, "appid"),
            AuthorizationCode = Optional(record, "authorization_code"),
            SubMerchantId = Optional(record, "sub_mchid"),
            SubAppId = Optional(record, "sub_appid"),
            SubOpenId = Optional(record, "sub_openid"),
        };

        private static string? Optional(JsonElement record, string name) =>
            record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private void Write(Action<Utf8JsonWriter> body)
        {
            _line.SetLength(0);
            using (var writer = new Utf8JsonWriter(_line, WriterOptions))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            _line.WriteByte((byte)'\n');
            _file!.Write(_line.GetBuffer(), 0, (int)_line.Length);
        }

        /// <summary>Reads every complete line; returns the records read and where the last complete line ends.</summary>
        private static (int Records, long Complete) Read(FileStream file, KeyTable previous, SHA256 sha, string path)
        {
            file.Seek(0, SeekOrigin.Begin);
            int records = 0;
            long complete = 0;
            long position = 0;
            var line = new MemoryStream();
            int lineNumber = 0;
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    position++;
                    if (buffer[i] != (byte)'\n')
                    {
                        line.WriteByte(buffer[i]);
                        continue;
                    }

                    lineNumber++;
                    complete = position;
                    if (line.Length > 0)
                    {
                        Apply(line.ToArray(), previous, sha, path, lineNumber);
                        records++;
                    }

                    line.SetLength(0);
                }
            }

            return (records, complete);
        }

        private static void Apply(byte[] line, KeyTable previous, SHA256 sha, string path, int lineNumber)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(line))
                {
                    JsonElement root = document.RootElement;
                    string kind = root.GetProperty("event").GetString() ?? string.Empty;
                    if (!AuthorizationTarget.TryCreate(ReadIdentity(root), out AuthorizationTarget? target, out _))
                    {
                        return; // a row with bad input: nothing to remember
                    }

                    RowKey key = RowKey.Of(target!, sha);
                    if (kind == "sending")
                    {
                        // A request about to go out after a final record (a retry in a later run) reopens the row.
                        previous.Set(key, (int)JournalEntry.Sending);
                    }
                    else if (kind == "result")
                    {
                        string code = root.GetProperty("code").GetString() ?? string.Empty;
                        JournalEntry entry = Classify(root.GetProperty("success").GetBoolean(), code);
                        if (code == ResultCodes.InvalidInput || code == ResultCodes.Duplicate)
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
                throw new PayscoreConfigurationException(
                    ErrorIds.JournalInvalid,
                    $"Line {lineNumber} of the journal '{path}' is not a record this module wrote ({ex.GetType().Name}). Give -JournalPath a journal from Invoke-WxPayscoreTerminate, or a new file.",
                    ex);
            }
        }
    }
}
