using System.ComponentModel;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Execution;
using System.Runtime.InteropServices;

namespace WeChatPay.Payscore.Tests;

/// <summary>Other names of one file, and a disk that fills up, for the journal's tests.</summary>
internal static class JournalFiles
{
    public const string SymbolicLink = "symbolic link";

    /// <summary>
    /// A journal as Set-Content -Encoding UTF8 of Windows PowerShell 5.1 saves it: a BOM, CRLF after every line, and an
    /// empty line: oBom1 ended (row 1), oBom2 sending (row 2).
    /// </summary>
    public static void WriteAsWindowsPowerShell(string path) =>
        File.WriteAllText(path, string.Concat(
            "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oBom1\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\r\n",
            "{\"event\":\"result\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oBom1\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\",\"success\":true,\"code\":\"OK\",\"status\":204,\"attempts\":1,\"message\":\"m\"}\r\n",
            "\r\n",
            "{\"event\":\"sending\",\"row\":2,\"route\":\"UserPermission\",\"openid\":\"oBom2\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\r\n"),
            new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

    /// <summary>A run's journal in the file at <paramref name="path"/>, opened as a run opens it.</summary>
    public static RunJournal OpenRun(string path, bool readOnly = false) => RunJournal.Open(FileJournalStore.Open(path, JournalAccess.OfRun(readOnly)), readOnly);
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
/// A disk that fills up under a journal's store: appends go through to it until <see cref="SpaceLeft"/> bytes are
/// used, then the append puts what fits and fails as a full disk does; every later append fails at once.
/// </summary>
internal sealed class FillingStore(IJournalStore store) : IJournalStore
{
    /// <summary>Bytes the disk still takes; unlimited while null.</summary>
    public long? SpaceLeft { get; set; }

    /// <summary>The append (1-based) that finds the disk full, whatever <see cref="SpaceLeft"/> says; none while null.</summary>
    public int? FullAtWrite { get; set; }

    public int Writes { get; private set; }

    /// <summary>Appends tried after the first that failed: a journal that knows its disk is full tries none.</summary>
    public int WritesAfterFull { get; private set; }

    public bool IsFull { get; private set; }

    public string Name => store.Name;

    public string Kind => store.Kind;

    public string WriteFailureAdvice => store.WriteFailureAdvice;

    public void Append(byte[] buffer, int offset, int count)
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
            store.Append(buffer, offset, (int)left);
            IsFull = true;
            throw new IOException("No space left on device");
        }

        store.Append(buffer, offset, count);
        SpaceLeft -= count;
    }

    public int Read(byte[] buffer, int offset, int count) => store.Read(buffer, offset, count);

    public bool DropTail(long length) => store.DropTail(length);

    public void Flush() => store.Flush();

    public string Reason(Exception ex) => store.Reason(ex);

    public void Dispose() => store.Dispose();
}

/// <summary>Invoke-WxPayscoreTerminate with its journal on a <see cref="FillingStore"/> (-FullAtWrite), which -Disk gives back.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "WxPayscoreTerminate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "OpenId")]
public sealed class FillingDiskTerminateCommand : InvokeWxPayscoreTerminateCommand
{
    [Parameter]
    public int? FullAtWrite { get; set; }

    /// <summary>Rows read ahead: how many rows' records a group holds at most, so that a run of a few rows makes many appends.</summary>
    [Parameter]
    public int ReadAheadRows { get; set; } = GroupCommitQueue<FinishedRow>.DefaultReadAhead;

    internal override int ReadAhead => ReadAheadRows;

    /// <summary>Gets the store the run wrote through.</summary>
    [Parameter]
    public StrongBox<object?> Disk { get; set; } = new(null);

    internal override IJournalStore OpenJournalStore(string path, bool readOnly)
    {
        var disk = new FillingStore(base.OpenJournalStore(path, readOnly)) { FullAtWrite = FullAtWrite };
        Disk.Value = disk;
        return disk;
    }
}

/// <summary>
/// A journal store in memory, as a third kind of store would be written: bytes that outlive the journals opened on
/// them (<see cref="MemoryShelf.Bytes"/>), and a hold that a second open is refused.
/// </summary>
internal sealed class MemoryJournalStore : IJournalStore
{
    private readonly MemoryStream _bytes;
    private readonly Action _release;

    private MemoryJournalStore(MemoryStream bytes, Action release)
    {
        _bytes = bytes;
        _release = release;
    }

    /// <summary>Opens the bytes of <paramref name="shelf"/>, holding them until disposed.</summary>
    public static MemoryJournalStore Open(MemoryShelf shelf)
    {
        if (shelf.Held)
        {
            throw new PayscoreException(ErrorIds.JournalUnavailable, "The journal 'memory' is in use by another run. Nothing was sent.");
        }

        shelf.Held = true;
        var bytes = new MemoryStream();
        bytes.Write(shelf.Bytes);
        bytes.Position = 0;
        return new MemoryJournalStore(bytes, () =>
        {
            shelf.Bytes = bytes.ToArray();
            shelf.Held = false;
        });
    }

    public string Name => "memory/journal";

    public string Kind => "shelf";

    public string WriteFailureAdvice => "Make room on the shelf";

    public int Read(byte[] buffer, int offset, int count) => _bytes.Read(buffer, offset, count);

    public bool DropTail(long length)
    {
        _bytes.SetLength(length);
        _bytes.Position = length;
        return true;
    }

    public void Append(byte[] buffer, int offset, int count) => _bytes.Write(buffer, offset, count);

    public void Flush()
    {
    }

    public string Reason(Exception ex) => ex.Message;

    public void Dispose() => _release();
}

/// <summary>Where a <see cref="MemoryJournalStore"/> keeps its bytes between runs.</summary>
internal sealed class MemoryShelf
{
    public byte[] Bytes { get; set; } = [];

    public bool Held { get; set; }
}
