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

        public string Kind => Messages.Format("Journal.KindFile");

        public string WriteFailureAdvice => Messages.Format("Journal.FileWriteFailureAdvice");

        /// <summary>
        /// Opens the file for <paramref name="access"/>: a run opens (or creates) it and takes the hold; a preview
        /// (-WhatIf) only reads, sharing the file with a run that may be writing it, and a missing file is an empty
        /// journal; a reader
        /// takes no hold, so that a run may write the file meanwhile (and start while it is read). A reader never
        /// opens a FIFO (the open would wait for a writer) or a device (which never ends): they are refused as the
        /// run refuses them.
        /// </summary>
        public static FileJournalStore Open(string path, JournalAccess access)
        {
            if (Directory.Exists(path))
            {
                throw NotAFile(path, Messages.Format("Journal.NamesFolder"), access);
            }

            if (access.ReadOnly && access.ForRun && !File.Exists(path))
            {
                return new FileJournalStore(path, null);
            }

            if (access.ReadOnly && IsSpecial(FileKinds.Of(path)))
            {
                throw NotAFile(path, Messages.Format("Journal.NamesDeviceOrPipe"), access);
            }

            FileStream file;
            try
            {
                file = access.ReadOnly ? SingleWriterFile.OpenToRead(path) : SingleWriterFile.Open(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw OpenFailure(ex, path, access);
            }

            try
            {
                if (!IsRegularFile(file, access.ReadOnly))
                {
                    throw NotAFile(path, Messages.Format("Journal.NamesDeviceOrPipe"), access);
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
        /// The error for a journal that cannot be opened, saying what stands in the way: a missing folder (for a
        /// reader, a missing file), missing permission, another run, or what the operating system said.
        /// </summary>
        /// <remarks>
        /// The I/O exception is not passed on as the inner exception: its message and ToString() quote the whole path,
        /// and a message quotes user values only as excerpts (as <see cref="Crypto.KeyFile"/> does for key files).
        /// </remarks>
        internal static PayscoreException OpenFailure(Exception ex, string path, JournalAccess? access = null)
        {
            access = access ?? JournalAccess.Run;
            string name = UserText.ExcerptPath(path);
            switch (ex)
            {
                case DirectoryNotFoundException _ when !access.ForRun:
                case FileNotFoundException _ when !access.ForRun:
                    return new PayscoreException(
                        ErrorIds.JournalNotFound,
                        ex is DirectoryNotFoundException
                            ? Messages.Format("Journal.FileNotFoundNorFolder", name, access.Parameter)
                            : Messages.Format("Journal.FileNotFound", name, access.Parameter));
                case DirectoryNotFoundException _:
                    return new PayscoreException(ErrorIds.JournalUnavailable, Messages.Format("Journal.FolderNotFound", name));
                case UnauthorizedAccessException _:
                    return new PayscoreException(
                        ErrorIds.JournalUnavailable,
                        access.ForRun ? Messages.Format("Journal.FilePermissionDeniedRun", name) : Messages.Format("Journal.FilePermissionDeniedReader", name));
                case IOException io when SingleWriterFile.IsHeldByAnother(io):
                    return new PayscoreException(ErrorIds.JournalUnavailable, Messages.Format("Journal.FileInUse", name));
                case NotSupportedException _:
                    return NotAFile(path, Messages.Format("Journal.NamesDevice"), access);
                default:
                    return new PayscoreException(
                        ErrorIds.JournalUnavailable,
                        access.WithOutcome(Messages.Format("Journal.FileCannotBeOpened", name, RunJournal.Reason(ex, path))));
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

        private FileStream Writable => _file ?? throw new InvalidOperationException(Messages.Format("Journal.ReadOnlyNotWritten"));

        /// <param name="what">What the path names instead, as a message says it: "a folder".</param>
        private static PayscoreException NotAFile(string path, string what, JournalAccess access) =>
            new PayscoreException(
                ErrorIds.JournalInvalid,
                access.ForRun
                    ? Messages.Format("Journal.NotAFileRun", UserText.ExcerptPath(path), what)
                    : Messages.Format("Journal.NotAFileReader", UserText.ExcerptPath(path), what));

        /// <summary>A FIFO, a device or a socket: what a reader refuses before opening it.</summary>
        private static bool IsSpecial(FileKind kind) =>
            kind == FileKind.Fifo || kind == FileKind.CharacterDevice || kind == FileKind.BlockDevice || kind == FileKind.Socket || kind == FileKind.Pipe;

        /// <summary>
        /// Whether the journal is a file on disk. A device reads as empty or endless and a pipe cannot be read
        /// again, and neither can be truncated: an empty one is tried with the truncation that drops a torn line
        /// anyway. A reader, which cannot try, asks the handle what it is (it asked the path before opening).
        /// </summary>
        private static bool IsRegularFile(FileStream file, bool readOnly)
        {
            if (!file.CanSeek)
            {
                return false;
            }

            if (readOnly)
            {
                return !IsSpecial(FileKinds.Of(file.SafeFileHandle));
            }

            if (file.Length > 0)
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
