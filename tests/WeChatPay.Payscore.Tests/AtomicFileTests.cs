using WeChatPay.Payscore.Platform;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Files written whole by a rename, never through a link: a symbolic link (to a file or dangling) or a folder at the
/// name is never written through or replaced, a regular file only when asked, and no temporary file stays behind.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private static readonly byte[] Content = "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n"u8.ToArray();

    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-atomic-").FullName;

    public void Dispose()
    {
        foreach (string folder in Directory.EnumerateDirectories(_dir, "*", SearchOption.AllDirectories))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(_dir, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string[] Entries() => Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void A_new_file_is_written_whole_in_a_folder_created_for_it_and_no_temporary_file_stays()
    {
        string path = PathOf("certs/new.pem");

        AtomicFile.Write(path, Content, replaceFile: false);

        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.Equal(["new.pem"], Directory.EnumerateFileSystemEntries(PathOf("certs")).Select(Path.GetFileName));
        Assert.Equal(FileEntry.RegularFile, AtomicFile.EntryAt(path));
    }

    [Fact]
    public void A_regular_file_is_kept_without_replace_and_replaced_with_it()
    {
        string path = PathOf("file.pem");
        File.WriteAllText(path, "old");

        var taken = Assert.Throws<FileNameTakenException>(() => AtomicFile.Write(path, Content, replaceFile: false));
        Assert.Equal(FileEntry.RegularFile, taken.Entry);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["file.pem"], Entries());

        AtomicFile.Write(path, Content, replaceFile: true);
        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.Equal(["file.pem"], Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_symbolic_link_to_a_file_is_neither_written_through_nor_replaced(bool replace)
    {
        string target = PathOf("target.pem");
        File.WriteAllText(target, "the target");
        string link = PathOf("link.pem");
        File.CreateSymbolicLink(link, target);

        var taken = Assert.Throws<FileNameTakenException>(() => AtomicFile.Write(link, Content, replace));

        Assert.Equal(FileEntry.Link, taken.Entry);
        Assert.Equal("the target", File.ReadAllText(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal(["link.pem", "target.pem"], Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_dangling_symbolic_link_never_creates_its_target(bool replace)
    {
        string outside = PathOf("outside/target.pem");
        Directory.CreateDirectory(PathOf("outside"));
        string link = PathOf("link.pem");
        File.CreateSymbolicLink(link, outside);

        var taken = Assert.Throws<FileNameTakenException>(() => AtomicFile.Write(link, Content, replace));

        Assert.Equal(FileEntry.Link, taken.Entry);
        Assert.False(File.Exists(outside));
        Assert.Empty(Directory.EnumerateFileSystemEntries(PathOf("outside")));
        Assert.Equal(["link.pem", "outside"], Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_folder_at_the_name_is_never_replaced(bool replace)
    {
        string path = Directory.CreateDirectory(PathOf("name.pem")).FullName;

        var taken = Assert.Throws<FileNameTakenException>(() => AtomicFile.Write(path, Content, replace));

        Assert.Equal(FileEntry.Folder, taken.Entry);
        Assert.True(Directory.Exists(path));
        Assert.Equal(["name.pem"], Entries());
    }

    [Fact]
    public void Each_kind_of_entry_is_told_without_following_links()
    {
        File.WriteAllText(PathOf("file"), "x");
        Directory.CreateDirectory(PathOf("folder"));
        File.CreateSymbolicLink(PathOf("to-file"), PathOf("file"));
        File.CreateSymbolicLink(PathOf("to-folder"), PathOf("folder"));
        File.CreateSymbolicLink(PathOf("dangling"), PathOf("nothing"));

        Assert.Equal(FileEntry.None, AtomicFile.EntryAt(PathOf("nothing")));
        Assert.Equal(FileEntry.None, AtomicFile.EntryAt(PathOf("no-folder/nothing")));
        Assert.Equal(FileEntry.RegularFile, AtomicFile.EntryAt(PathOf("file")));
        Assert.Equal(FileEntry.Folder, AtomicFile.EntryAt(PathOf("folder")));
        Assert.Equal(FileEntry.Link, AtomicFile.EntryAt(PathOf("to-file")));
        Assert.Equal(FileEntry.Link, AtomicFile.EntryAt(PathOf("to-folder")));
        Assert.Equal(FileEntry.Link, AtomicFile.EntryAt(PathOf("dangling")));
    }

    [UnixFact]
    public async Task A_fifo_or_a_device_at_the_name_is_neither_a_regular_file_nor_opened()
    {
        string fifo = PathOf("fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO nobody writes waits for ever: whatever the code does, the test ends.
        Task<(FileEntry, byte[]?, FileEntry, byte[]?)> look = Task.Run(() => (
            AtomicFile.EntryAt(fifo), AtomicFile.ReadRegularFile(fifo, 1024),
            AtomicFile.EntryAt("/dev/zero"), AtomicFile.ReadRegularFile("/dev/zero", 1024)));
        Assert.Same(look, await Task.WhenAny(look, Task.Delay(TimeSpan.FromSeconds(20))));
        (FileEntry fifoEntry, byte[]? fifoContent, FileEntry deviceEntry, byte[]? deviceContent) = await look;

        Assert.Equal(FileEntry.Special, fifoEntry);
        Assert.Null(fifoContent);
        Assert.Equal(FileEntry.Special, deviceEntry);
        Assert.Null(deviceContent);
        FileNameTakenException taken = Assert.Throws<FileNameTakenException>(() => AtomicFile.Write(fifo, Content, replaceFile: true));
        Assert.Equal(FileEntry.Special, taken.Entry);
    }

    [Fact]
    public void Only_a_regular_file_within_the_size_is_read()
    {
        File.WriteAllBytes(PathOf("file"), Content);
        File.CreateSymbolicLink(PathOf("link"), PathOf("file"));

        Assert.Equal(Content, AtomicFile.ReadRegularFile(PathOf("file"), Content.Length));
        Assert.Null(AtomicFile.ReadRegularFile(PathOf("file"), Content.Length - 1));
        Assert.Null(AtomicFile.ReadRegularFile(PathOf("link"), 1 << 16));
        Assert.Null(AtomicFile.ReadRegularFile(PathOf("nothing"), 1 << 16));
    }

    [Fact]
    public void A_folder_that_refuses_writing_fails_with_an_error_that_names_the_file_not_the_temporary_one()
    {
        // Root ignores permissions, so a folder made read-only here refuses only other accounts; /sys refuses even
        // root on Linux. Where neither refuses (Windows, or root elsewhere), there is nothing here to test.
        string folder = Directory.CreateDirectory(PathOf("read-only")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        string path = Path.Combine(folder, "file.pem");
        if (IsWritable(folder))
        {
            if (OperatingSystem.IsWindows() || !Directory.Exists("/sys"))
            {
                return;
            }

            path = "/sys/wechatpay-atomic-test.pem";
        }

        var denied = Assert.Throws<UnauthorizedAccessException>(() => AtomicFile.Write(path, Content, replaceFile: false));

        Assert.Contains(path, denied.Message);
        Assert.DoesNotContain(".tmp", denied.Message);
        Assert.False(File.Exists(path));
    }

    private static bool IsWritable(string folder)
    {
        string probe = Path.Combine(folder, "probe");
        try
        {
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
