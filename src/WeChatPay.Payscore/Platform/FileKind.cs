using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace WeChatPay.Payscore.Platform
{
    /// <summary>What a path names, as far as reading it as a file goes.</summary>
    internal enum FileKind
    {
        /// <summary>Not told: the operating system call is missing or failed; opening the file will tell.</summary>
        Unknown,
        Regular,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,

        /// <summary>Windows: a named pipe or another handle that is neither a disk file nor a character device.</summary>
        Pipe,
    }

    /// <summary>
    /// Tells a regular file from a special one. Opening a FIFO waits until a writer comes, and a device such as
    /// /dev/zero never ends, so on Unix the kind is told by stat(2) before the path is opened. .NET reports both as
    /// FileAttributes.Normal there and has no public call for the file type, so the runtime's own System.Native
    /// library answers (its FileStatus is the same on every Unix .NET runs on). Windows opens devices and pipes
    /// without waiting, so there the handle is asked (GetFileType) after opening and before reading.
    /// </summary>
    internal static class FileKinds
    {
        // System.Native's FileStatus: int Flags, then int Mode with the type bits of every Unix (S_IFMT).
        private const int ModeOffset = 4;
        private const int FileStatusBytes = 256; // larger than FileStatus of any .NET version: the rest is never read
        private const int TypeMask = 0xF000;

        private const int WindowsDisk = 1;
        private const int WindowsCharacter = 2;
        private const int WindowsPipe = 3;

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The kind of the file <paramref name="path"/> names (a link followed), told without opening it.</summary>
        public static FileKind Of(string path)
        {
            if (IsWindows)
            {
                return OfWindowsPath(path);
            }

            var status = new byte[FileStatusBytes];
            try
            {
                byte[] nulTerminated = Encoding.UTF8.GetBytes(path + "\0");
                return Stat(nulTerminated, status) == 0 ? OfMode(status) : FileKind.Unknown;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return FileKind.Unknown; // not the .NET runtime (Mono): the file is opened as it was, its read bounded
            }
        }

        /// <summary>The kind of a file already open: on Windows the first moment it can be told; elsewhere it closes the gap after <see cref="Of(string)"/>.</summary>
        public static FileKind Of(SafeFileHandle handle)
        {
            try
            {
                if (IsWindows)
                {
                    switch (GetFileType(handle))
                    {
                        case WindowsDisk:
                            return FileKind.Regular;
                        case WindowsCharacter:
                            return FileKind.CharacterDevice;
                        case WindowsPipe:
                            return FileKind.Pipe;
                        default:
                            return FileKind.Unknown;
                    }
                }

                var status = new byte[FileStatusBytes];
                return FStat(handle, status) == 0 ? OfMode(status) : FileKind.Unknown;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return FileKind.Unknown;
            }
        }

        /// <summary>The kind in words, for a message: "a FIFO (named pipe)".</summary>
        public static string Describe(FileKind kind)
        {
            switch (kind)
            {
                case FileKind.Directory:
                    return Messages.Format("Journal.FileKindDirectory");
                case FileKind.Fifo:
                    return Messages.Format("Journal.FileKindFifo");
                case FileKind.CharacterDevice:
                    return Messages.Format("Journal.FileKindCharacterDevice");
                case FileKind.BlockDevice:
                    return Messages.Format("Journal.FileKindBlockDevice");
                case FileKind.Socket:
                    return Messages.Format("Journal.FileKindSocket");
                case FileKind.Pipe:
                    return Messages.Format("Journal.FileKindPipe");
                default:
                    return Messages.Format("Journal.FileKindFile");
            }
        }

        private static FileKind OfWindowsPath(string path)
        {
            try
            {
                FileAttributes attributes = File.GetAttributes(path);
                if ((attributes & FileAttributes.Directory) != 0)
                {
                    return FileKind.Directory;
                }

                return (attributes & FileAttributes.Device) != 0 ? FileKind.CharacterDevice : FileKind.Unknown;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return FileKind.Unknown; // missing (opening says so), or a device name (CON, \\.\pipe\...): the handle tells after opening
            }
        }

        private static FileKind OfMode(byte[] status)
        {
            switch (BitConverter.ToInt32(status, ModeOffset) & TypeMask)
            {
                case 0x8000:
                    return FileKind.Regular;
                case 0x4000:
                    return FileKind.Directory;
                case 0x1000:
                    return FileKind.Fifo;
                case 0x2000:
                    return FileKind.CharacterDevice;
                case 0x6000:
                    return FileKind.BlockDevice;
                case 0xC000:
                    return FileKind.Socket;
                default:
                    return FileKind.Unknown;
            }
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int Stat(byte[] path, [Out] byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
        private static extern int FStat(SafeFileHandle fd, [Out] byte[] status);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern int GetFileType(SafeFileHandle handle);
    }
}
