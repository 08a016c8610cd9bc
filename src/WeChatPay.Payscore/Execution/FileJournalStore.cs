using System;
using System.IO;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// A journal in a file. One run at a time: a hold on the file's own handle for the run's life, which every name
    /// of the file meets; readers of the journal are not locked out, and the operating system releases the hold of a
    /// run that was killed. An append is handed to the OS at once (it outlives the process); a flush syncs it to disk.
    /// </summary>
    internal sealed class FileJournalStore : IJournalStore
    {
        private readonly FileStream? _file;

        private FileJournalStore(string path, FileStream? file)
        {
            Name = path;
            _file = file;
        }

        public string Name { get; }

        public string Kind => "file";

        public string WriteFailureAdvice => "Free space on the journal's disk (or fix what stopped the write)";

        /// <summary>
        /// Opens (or creates) the file and takes the hold. With <paramref name="readOnly"/> (-WhatIf) it only reads,
        /// sharing the file with a run that may be writing it; a missing file is then an empty journal.
        /// </summary>
        public static FileJournalStore Open(string path, bool readOnly = false)
        {
            if (Directory.Exists(path))
            {
                throw NotAFile(path, "a folder");
            }

            if (readOnly && !File.Exists(path))
            {
                return new FileJournalStore(path, null);
            }

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

                file.Seek(0, SeekOrigin.Begin);
                return new FileJournalStore(path, file);
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
                        $"The journal '{name}' cannot be opened ({RunJournal.Reason(ex, path)}). Nothing was sent.");
            }
        }

        public int Read(byte[] buffer, int offset, int count) => _file?.Read(buffer, offset, count) ?? 0;

        public bool DropTail(long length)
        {
            Writable.SetLength(length);
            Writable.Seek(0, SeekOrigin.End);
            return true;
        }

        public void Append(byte[] buffer, int offset, int count)
        {
            Writable.Write(buffer, offset, count);
            Writable.Flush();
        }

        public void Flush() => Writable.Flush(flushToDisk: true);

        public string Reason(Exception ex) => RunJournal.Reason(ex, Name);

        public void Dispose() => _file?.Dispose();

        private FileStream Writable => _file ?? throw new InvalidOperationException("A journal opened to be read is not written.");

        private static PayscoreConfigurationException NotAFile(string path, string what) =>
            new PayscoreConfigurationException(
                ErrorIds.JournalInvalid,
                $"-JournalPath '{UserText.ExcerptPath(path)}' names {what}, not a file. Give it the path of a file: a journal from an earlier run, or a new one. Nothing was sent.");

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
    }
}
