using System;
using System.IO;
#if NETFRAMEWORK
using System.ComponentModel;
using System.Runtime.InteropServices;
#endif

namespace WeChatPay.Payscore.Platform
{
    /// <summary>What is at a name in a folder, the name itself looked at: a link is a link, whether its target exists or not.</summary>
    internal enum FileEntry
    {
        None,
        RegularFile,

        /// <summary>A symbolic link, a junction or (on .NET Framework) another reparse point.</summary>
        Link,
        Folder,

        /// <summary>A FIFO, a device or a socket: opening one may wait for ever, or read without end.</summary>
        Special,
    }

    /// <summary>The name a file was to be written under is taken by something it may not replace.</summary>
    internal sealed class FileNameTakenException : IOException
    {
        public FileNameTakenException(FileEntry entry)
            : base(Messages.Format("Journal.FileNameTaken", entry))
        {
            Entry = entry;
        }

        /// <summary>What is at the name.</summary>
        public FileEntry Entry { get; }
    }

    /// <summary>
    /// Writes a file whole or not at all, and never through a link: the content goes to a new temporary file in the
    /// same folder, which is then renamed to the file's name. A rename replaces the name itself, so a link at that
    /// name (even one put there after the check) is never followed: its target, wherever it points, is not written.
    /// Opening the name for writing would follow it (a dangling link even creates its target). Errors name the file,
    /// never the temporary one. Knows nothing of PowerShell.
    /// </summary>
    internal static class AtomicFile
    {
#if NETFRAMEWORK
        private const int ErrorAccessDenied = 5;
        private const int MoveFileReplaceExisting = 1;
        private const int MoveFileWriteThrough = 8;

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
#endif

        /// <summary>What is at <paramref name="path"/>, links not followed.</summary>
        public static FileEntry EntryAt(string path)
        {
            FileAttributes attributes;
            try
            {
                attributes = File.GetAttributes(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return FileEntry.None;
            }

#if NETFRAMEWORK
            // Windows only (and Mono): every reparse point counts as a link, cloud placeholders included; the file
            // is then refused rather than risked.
            bool link = (attributes & FileAttributes.ReparsePoint) != 0;
#else
            // A symbolic link or a junction has a target; other reparse points (OneDrive placeholders) are files.
            bool link = (attributes & FileAttributes.ReparsePoint) != 0 && new FileInfo(path).LinkTarget != null;
#endif
            return link ? FileEntry.Link
                : (attributes & FileAttributes.Directory) != 0 ? FileEntry.Folder
                : IsSpecial(FileKinds.Of(path)) ? FileEntry.Special
                : FileEntry.RegularFile;
        }

        /// <summary>
        /// The content of the regular file at <paramref name="path"/>, or null when there is none, it is larger than
        /// <paramref name="maxBytes"/> or cannot be read. A link is not followed.
        /// </summary>
        public static byte[]? ReadRegularFile(string path, int maxBytes)
        {
            if (EntryAt(path) != FileEntry.RegularFile)
            {
                return null;
            }

            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    // Swapped for something else since the look (or, on Windows, told only now by its handle).
                    return IsSpecial(FileKinds.Of(file.SafeFileHandle)) ? null : BoundedRead.ReadAtMost(file, maxBytes);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>A FIFO, a device, a socket or a pipe: what is never read or replaced as a file.</summary>
        private static bool IsSpecial(FileKind kind) =>
            kind != FileKind.Regular && kind != FileKind.Unknown && kind != FileKind.Directory;

        /// <summary>
        /// Writes <paramref name="content"/> as the file <paramref name="path"/>, creating its folder when missing.
        /// A regular file at that name is replaced only when <paramref name="replaceFile"/>; anything else at it (a
        /// link, a folder) never is: <see cref="FileNameTakenException"/> says what is there. Other failures are the
        /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> of the step that failed.
        /// </summary>
        public static void Write(string path, byte[] content, bool replaceFile)
        {
            string fullPath = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException(Messages.Format("Journal.FilePathWithoutFolder"), nameof(path));
            string temporary = Path.Combine(folder, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
            try
            {
                Directory.CreateDirectory(folder);

                // CreateNew: the temporary name is fresh, and a link someone made at it in the meantime is not followed.
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    file.Write(content, 0, content.Length);
                    file.Flush(flushToDisk: true);
                }

                MoveInto(temporary, fullPath, replaceFile);
            }
            catch (UnauthorizedAccessException ex) when (ex.Message.Contains(temporary))
            {
                throw new UnauthorizedAccessException(ex.Message.Replace(temporary, fullPath), ex);
            }
            catch (IOException ex) when (!(ex is FileNameTakenException) && ex.Message.Contains(temporary))
            {
                throw new IOException(ex.Message.Replace(temporary, fullPath), ex.HResult);
            }
            finally
            {
                TryDelete(temporary);
            }
        }

        private static void MoveInto(string temporary, string path, bool replaceFile)
        {
            FileEntry existing = EntryAt(path);
            if (existing == FileEntry.None)
            {
                try
                {
                    // Never replaces: something that took the name since the check makes it fail.
                    File.Move(temporary, path);
                }
                catch (IOException) when (EntryAt(path) is FileEntry taken && taken != FileEntry.None)
                {
                    throw new FileNameTakenException(taken);
                }

                return;
            }

            if (existing != FileEntry.RegularFile || !replaceFile)
            {
                throw new FileNameTakenException(existing);
            }

            // The rename replaces the name: a link put there since the check is replaced itself, its target untouched.
#if NETFRAMEWORK
            if (IsWindows)
            {
                if (!MoveFileEx(temporary, path, MoveFileReplaceExisting | MoveFileWriteThrough))
                {
                    int error = Marshal.GetLastWin32Error();
                    string message = new Win32Exception(error).Message;
                    throw error == ErrorAccessDenied ? new UnauthorizedAccessException(message) : new IOException(message, unchecked((int)0x80070000) | error);
                }
            }
            else
            {
                File.Replace(temporary, path, null); // Mono: rename(2)
            }
#else
            File.Move(temporary, path, overwrite: true);
#endif
        }

        private static void TryDelete(string temporary)
        {
            try
            {
                if (EntryAt(temporary) == FileEntry.RegularFile)
                {
                    File.Delete(temporary);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // A temporary file left behind is named as such (.<name>.<random>.tmp) and harms nothing.
            }
        }

#if NETFRAMEWORK
        [DllImport("kernel32", EntryPoint = "MoveFileExW", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool MoveFileEx(string existingFileName, string newFileName, int flags);
#endif
    }
}
