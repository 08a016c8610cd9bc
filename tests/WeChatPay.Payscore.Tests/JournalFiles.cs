using System.ComponentModel;
using System.Runtime.InteropServices;

namespace WeChatPay.Payscore.Tests;

/// <summary>Other names of one file, and a disk that fills up, for the journal's tests.</summary>
internal static class JournalFiles
{
    public const string SymbolicLink = "symbolic link";
    public const string HardLink = "hard link";
    public const string RelativePath = "relative path";
    public const string AbsolutePath = "absolute path";

    /// <summary>Another name of the file at <paramref name="path"/> (made next to it when it is a link).</summary>
    public static string OtherName(string path, string kind)
    {
        string link = path + "." + kind.Replace(' ', '-');
        switch (kind)
        {
            case SymbolicLink:
                File.CreateSymbolicLink(link, path);
                return link;
            case HardLink:
                CreateHardLink(link, path);
                return link;
            case RelativePath:
                return Path.GetRelativePath(Environment.CurrentDirectory, path);
            case AbsolutePath:
                return Path.GetFullPath(path);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static void CreateHardLink(string link, string existing)
    {
        if (OperatingSystem.IsWindows())
        {
            if (!CreateHardLinkW(link, existing, IntPtr.Zero))
            {
                throw new Win32Exception();
            }
        }
        else if (LinkUnix(existing, link) != 0)
        {
            throw new IOException($"link() failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int LinkUnix(string existing, string link);

    [DllImport("kernel32", EntryPoint = "CreateHardLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateHardLinkW(string link, string existing, IntPtr securityAttributes);
}

/// <summary>
/// A disk that fills up: writes go through to the journal's file until <see cref="SpaceLeft"/> bytes are used, then
/// the write puts what fits and fails as a full disk does; every later write fails at once.
/// </summary>
internal sealed class FillingDisk(Stream file) : Stream
{
    /// <summary>Bytes the disk still takes; unlimited while null.</summary>
    public long? SpaceLeft { get; set; }

    /// <summary>The write (1-based) that finds the disk full, whatever <see cref="SpaceLeft"/> says; none while null.</summary>
    public int? FullAtWrite { get; set; }

    public int Writes { get; private set; }

    /// <summary>Writes tried after the first that failed: a journal that knows its disk is full tries none.</summary>
    public int WritesAfterFull { get; private set; }

    public bool IsFull { get; private set; }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Writes++;
        if (IsFull)
        {
            WritesAfterFull++;
            throw new IOException("No space left on device");
        }

        if (Writes == FullAtWrite)
        {
            SpaceLeft = count / 2;
        }

        if (SpaceLeft is long left && count > left)
        {
            file.Write(buffer, offset, (int)left);
            IsFull = true;
            throw new IOException("No space left on device");
        }

        file.Write(buffer, offset, count);
        SpaceLeft -= count;
    }

    public override void Flush() => file.Flush();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
