using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>
    /// Opens a file that one writer at a time may hold, whatever name it is opened by (a symbolic or hard link, a
    /// relative or an absolute path), while readers such as Get-Content can still open it. The hold is on the
    /// file's own handle: the operating system releases it when the handle closes or the process dies.
    /// </summary>
    internal static class SingleWriterFile
    {
        private const int LockShared = 1;
        private const int LockExclusive = 2;
        private const int LockNonBlocking = 4;
        private const int LockUnlock = 8;

        // EWOULDBLOCK: 11 on Linux, 35 on macOS and the BSDs (neither is returned by flock for anything else).
        private const int WouldBlockLinux = 11;
        private const int WouldBlockBsd = 35;

        // ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION as HRESULTs.
        private const int SharingViolation = unchecked((int)0x80070020);
        private const int LockViolation = unchecked((int)0x80070021);

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// The file at <paramref name="path"/>, created if missing, open for reading and writing; an
        /// <see cref="IOException"/> for which <see cref="IsHeldByAnother"/> is true when another writer holds it.
        /// </summary>
        public static FileStream Open(string path)
        {
            // No buffer of its own: the caller writes whole records, and must know exactly which bytes reached the OS.
            const int unbuffered = 1;
            if (IsWindows)
            {
                // Windows checks share modes on the file itself, whatever name opened it: a second writer is refused
                // with a sharing violation, while readers (who allow writers) are let in.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, unbuffered);
            }

            // Unix: FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on the descriptor. flock is on the inode,
            // so every name of the file meets it, and it belongs to this open file (two runs in one process exclude
            // each other too). .NET's readers take a shared flock, which an exclusive one would refuse for the whole
            // run, so the exclusive lock is turned into a shared one once it is ours: a second writer still cannot
            // get its exclusive lock, and readers can get theirs. (Byte-range locks were no alternative: .NET's
            // FileStream.Lock is per process on Linux, released when any handle of the file in the process closes,
            // and not supported on macOS.)
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, unbuffered);
            try
            {
                LetReadersIn(file.SafeFileHandle);
                return file;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The file at <paramref name="path"/>, open to be read while a writer may hold it and append to it, taking no
        /// hold of its own: a run that starts meanwhile is not kept out. Windows checks share modes only, and this
        /// one lets writers in. On Unix .NET takes a shared flock for any reader, which a starting run's exclusive
        /// one would meet, so it is given up at once.
        /// </summary>
        public static FileStream OpenToRead(string path)
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (!IsWindows)
            {
                Unlock(file.SafeFileHandle);
            }

            return file;
        }

        /// <summary>True when the open failed because another process or run holds the file (a sharing or lock violation).</summary>
        public static bool IsHeldByAnother(IOException ex) =>
            ex.HResult == SharingViolation || ex.HResult == LockViolation
            || (!IsWindows && (ex.HResult == WouldBlockLinux || ex.HResult == WouldBlockBsd));

        private static void LetReadersIn(SafeFileHandle handle) =>
            OnDescriptor(handle, fd =>
            {
                // .NET takes no lock when DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set: take it here, so the check holds
                // (a no-op when the descriptor holds it already).
                if (Flock(fd, LockExclusive | LockNonBlocking) != 0)
                {
                    int error = Marshal.GetLastWin32Error();
                    if (error == WouldBlockLinux || error == WouldBlockBsd)
                    {
                        throw HeldByAnother(error);
                    }

                    return; // a file system without flock: no lock to be had, as .NET itself assumes
                }

                // The change from exclusive to shared is not atomic: another writer may get in between, and then
                // this one must give way.
                if (Flock(fd, LockShared | LockNonBlocking) != 0 && Flock(fd, LockExclusive | LockNonBlocking) != 0)
                {
                    throw HeldByAnother(Marshal.GetLastWin32Error());
                }
            });

        // A failure leaves the shared lock, as Get-Content holds it: nothing to do about it.
        private static void Unlock(SafeFileHandle handle) => OnDescriptor(handle, fd => _ = Flock(fd, LockUnlock));

        /// <summary>
        /// Calls flock through <paramref name="lockCall"/> on the handle's descriptor, kept open meanwhile. Without a C
        /// library to call, nothing is done: the file keeps the lock .NET gave it (exclusive for a writer, so readers
        /// wait for the run's end; shared for a reader, until it is closed, as Get-Content's is).
        /// </summary>
        private static void OnDescriptor(SafeFileHandle handle, Action<int> lockCall)
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                lockCall(handle.DangerousGetHandle().ToInt32());
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                // No C library to call (see the summary): the lock stays as .NET took it.
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        private static IOException HeldByAnother(int error) =>
            new IOException(Messages.Format("Journal.FileHeldByAnotherWriter"), error == WouldBlockBsd ? WouldBlockBsd : WouldBlockLinux);

        [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
        private static extern int Flock(int fd, int operation);
    }
}
