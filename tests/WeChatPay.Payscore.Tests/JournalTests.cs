using System.Security.Cryptography;
using System.Text;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The journal file and the compact key table, on their own.</summary>
public sealed class JournalTests() : JournalFolder("wxpay-journal-unit-")
{
    private RowKey Key(string openId, string serviceId = "500001") => Key(RowFields.ForOpenId(openId, serviceId, "wxd678efh567hg6787"));

    private static TerminateRequest Request(string openId)
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, RowFields.ForOpenId(openId, "500001", "wxd678efh567hg6787"), "r", out TerminateRequest? request, out _));
        return request!;
    }

    private static TerminateResult Result(long row, string openId, bool success, string code) => new()
    {
        RowNumber = row,
        OpenId = openId,
        ServiceId = "500001",
        AppId = "wxd678efh567hg6787",
        Route = TerminateRoute.UserPermission,
        Success = success,
        Code = code,
        Message = "m",
        CompletedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public void The_key_table_remembers_every_key_through_growth_and_gives_back_the_first_value()
    {
        var table = new KeyTable(fullKeys: false, capacity: 16);
        for (int i = 0; i < 50_000; i++)
        {
            Assert.True(table.TryAdd(Key($"o{i}"), i, out _));
        }

        for (int i = 0; i < 50_000; i += 7)
        {
            Assert.False(table.TryAdd(Key($"o{i}"), -1, out int first));
            Assert.Equal(i, first);
        }

        Assert.Equal(50_000, table.Count);
        Assert.False(table.TryGet(Key("o50000"), out _));
    }

    [Fact]
    public void Keys_name_the_authorization_whatever_the_endpoint_and_cannot_be_forged_by_moving_a_separator()
    {
        var keys = new[]
        {
            Key("oA", "1"),
            Key("oA", "2"),
            Key("oA", "11"),
            Key("oA1", "1"),
            Key(new RowFields { AuthorizationCode = "oA", ServiceId = "1" }),
            Key(new RowFields { SubMerchantId = "1900000109", OpenId = "oA", AppId = "wx1", ServiceId = "1" }),
            Key(new RowFields { SubMerchantId = "1900000109", SubOpenId = "oA", SubAppId = "wx2", AppId = "wx1", ServiceId = "1" }),
            Key(new RowFields { SubMerchantId = "1900000110", OpenId = "oA", AppId = "wx1", ServiceId = "1" }),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());

        // The appid and the route do not name the authorization: the openid and service_id do.
        Assert.Equal(keys[0], Key(RowFields.ForOpenId("oA", "1", "wxOther")));
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.OpenIdPermission, RowFields.ForOpenId("oA", "1", "wx9"), "r", out TerminateRequest? viaOtherRoute, out _));
        Assert.Equal(keys[0], RowKey.Of(viaOtherRoute!.Target, Sha));
    }

    [Fact]
    public void A_store_of_another_kind_is_one_class_and_keeps_the_journal_s_promises()
    {
        var shelf = new MemoryShelf();
        using (RunJournal journal = RunJournal.Open(MemoryJournalStore.Open(shelf)))
        {
            Assert.Equal("memory/journal", journal.Name);
            journal.RecordSending(1, Request("oShelf"));
            journal.RecordResult(Result(1, "oShelf", true, ResultCodes.Ok));
            journal.RecordSending(2, Request("oInFlight"));
            var ex = Assert.Throws<PayscoreException>(() => RunJournal.Open(MemoryJournalStore.Open(shelf)));
            Assert.Equal(ErrorIds.JournalUnavailable, ex.ErrorId);
        }

        byte[] torn = Encoding.UTF8.GetBytes("{\"event\":\"result\",\"row\":2,\"rou");
        shelf.Bytes = [.. shelf.Bytes, .. torn];
        using (RunJournal reopened = RunJournal.Open(MemoryJournalStore.Open(shelf)))
        {
            Assert.Equal(3, reopened.PreviousRecords);
            Assert.Equal(torn.Length, reopened.TornBytes);
            Assert.Equal(JournalRowState.Done, reopened.Previous(Key("oShelf")));
            Assert.Equal(JournalRowState.Sending, reopened.Previous(Key("oInFlight")));
        }

        Assert.Equal(3, Encoding.UTF8.GetString(shelf.Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        byte[] foreign = Encoding.UTF8.GetBytes("name,value\nx,1\n");
        shelf.Bytes = foreign;
        var invalid = Assert.Throws<PayscoreException>(() => RunJournal.Open(MemoryJournalStore.Open(shelf)));
        Assert.Equal(ErrorIds.JournalInvalid, invalid.ErrorId);
        Assert.StartsWith("The shelf 'memory/journal' is not a journal: line 1", invalid.Message);
        Assert.Equal(foreign, shelf.Bytes);
        Assert.False(shelf.Held);
    }

    [Fact]
    public void A_write_that_fails_in_any_store_says_what_that_store_needs()
    {
        var disk = new FillingStore(MemoryJournalStore.Open(new MemoryShelf())) { SpaceLeft = 10 };
        using RunJournal journal = RunJournal.Open(disk);

        journal.RecordSending(1, Request("oNoRoom"));
        journal.Commit();

        Assert.Equal(ErrorIds.JournalWriteFailed, journal.Failure!.ErrorId);
        Assert.Contains("'memory/journal' could not be written (No space left on device)", journal.Failure.Message);
        Assert.Contains("Make room on the shelf, then run the same command with the same -JournalPath", journal.Failure.Message);
    }

    [Fact]
    public void The_journal_keeps_nothing_process_wide_that_one_run_could_leave_to_another()
    {
        // Up to ten jobs share one process in an Automation sandbox: what a run's journal writes through is its own.
        Type[] types = [typeof(RunJournal), typeof(FileJournalStore), typeof(JournalFormat), typeof(JournalReplay), typeof(KeyTable)];
        foreach (Type type in types)
        {
            foreach (var field in type.GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            {
                Assert.True(field.IsLiteral || field.IsInitOnly, $"{type.Name}.{field.Name} can be set");
                Assert.False(typeof(System.Collections.IDictionary).IsAssignableFrom(field.FieldType) || field.FieldType.Name.Contains("Dictionary"), $"{type.Name}.{field.Name} is a table shared by every run");
            }
        }
    }

    [Fact]
    public void A_reopened_journal_knows_what_each_row_came_to()
    {
        string path = PathOf("j.jsonl");
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            foreach (string openId in new[] { "oDone", "oRefused", "oLost", "oInFlight" })
            {
                journal.RecordSending(1, Request(openId));
            }

            journal.RecordResult(Result(1, "oDone", true, ResultCodes.Ok));
            journal.RecordResult(Result(2, "oRefused", false, "PARAM_ERROR"));
            journal.RecordResult(Result(3, "oLost", false, ResultCodes.Timeout));
            journal.Commit();
        }

        using RunJournal reopened = JournalFiles.OpenRun(path);

        Assert.Equal(7, reopened.PreviousRecords);
        Assert.Equal(JournalRowState.Done, reopened.Previous(Key("oDone")));
        Assert.Equal(JournalRowState.Failed, reopened.Previous(Key("oRefused")));
        Assert.Equal(JournalRowState.Unknown, reopened.Previous(Key("oLost")));
        Assert.Equal(JournalRowState.Sending, reopened.Previous(Key("oInFlight")));
        Assert.Null(reopened.Previous(Key("oNever")));
    }

    [Fact]
    public void A_torn_last_line_is_dropped_and_the_next_record_starts_on_a_line_of_its_own()
    {
        string path = PathOf("torn.jsonl");
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            journal.RecordResult(Result(1, "oWhole", true, ResultCodes.Ok));
        }

        File.AppendAllText(path, "{\"event\":\"result\",\"row\":2,\"openid\":\"oTo");

        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            Assert.True(journal.TornBytes > 0);
            journal.RecordResult(Result(3, "oAfter", true, ResultCodes.Ok));
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("oAfter", lines[1]);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused_and_left_as_it_was()
    {
        string path = PathOf("users.csv");
        File.WriteAllText(path, "openid,service_id\noA,1\n");

        var ex = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(path));

        Assert.Equal(ErrorIds.JournalInvalid, ex.ErrorId);
        Assert.Equal("openid,service_id\noA,1\n", File.ReadAllText(path));
    }

    #region One journal, one run

    [Theory]
    [InlineData(JournalFiles.SymbolicLink)]
    [InlineData(JournalFiles.HardLink)]
    [InlineData(JournalFiles.RelativePath)]
    [InlineData(JournalFiles.AbsolutePath)]
    public void A_journal_a_run_holds_is_refused_to_a_second_by_any_name_of_the_file_and_stays_readable(string name)
    {
        string path = PathOf("held.jsonl");
        using (RunJournal first = JournalFiles.OpenRun(path))
        {
            first.RecordSending(1, Request("oHeld"));
            first.Commit();
            string other = JournalFiles.OtherName(path, name);

            var ex = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(other));

            Assert.Equal(ErrorIds.JournalUnavailable, ex.ErrorId);
            Assert.Contains("in use by another run", ex.Message);

            // Get-Content opens with read access, letting writers in; -WhatIf reads the same way.
            using (var reader = new StreamReader(new FileStream(other, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                Assert.Contains("oHeld", reader.ReadToEnd());
            }

            using RunJournal preview = JournalFiles.OpenRun(other, readOnly: true);
            Assert.Equal(JournalRowState.Sending, preview.Previous(Key("oHeld")));
        }

        // The first run has ended: its hold is gone, and it left no other file behind.
        using RunJournal next = JournalFiles.OpenRun(JournalFiles.OtherName(PathOf("held.jsonl"), JournalFiles.AbsolutePath));
        Assert.Equal(JournalRowState.Sending, next.Previous(Key("oHeld")));
        Assert.DoesNotContain(Directory.GetFiles(Folder), f => f.EndsWith(".lock", StringComparison.Ordinal));
    }

    #endregion

    #region What is not a journal

    private static byte[] Content(string kind) => kind switch
    {
        "text without a line end" => "Notes for Monday: call the bank"u8.ToArray(),
        "a PNG photo" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00],
        "a JPEG photo without a line end" => [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0xFF, 0xDB, 0x00, 0x43],
        "a journal that ends in something else" => [.. "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oA\",\"service_id\":\"1\"}\n"u8, .. "{\"openid\":\"oB\"}"u8],
        "one 100 KiB line" => [.. Enumerable.Repeat((byte)'x', 100 * 1024), (byte)'\n'],
        "one 100 KiB line without a line end" => [.. "{\"event\":\"sending\",\"openid\":\""u8, .. Enumerable.Repeat((byte)'x', 100 * 1024)],
        "UTF-16 text" => [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes("{\"event\":\"sending\"}\n")],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [InlineData("text without a line end")]
    [InlineData("a PNG photo")]
    [InlineData("a JPEG photo without a line end")]
    [InlineData("a journal that ends in something else")]
    [InlineData("one 100 KiB line")]
    [InlineData("one 100 KiB line without a line end")]
    [InlineData("UTF-16 text")]
    public void A_file_the_module_did_not_write_is_refused_naming_it_and_stays_byte_identical(string kind)
    {
        string path = PathOf("not-a-journal.dat");
        byte[] before = Content(kind);
        File.WriteAllBytes(path, before);

        foreach (bool readOnly in new[] { false, true })
        {
            var ex = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(path, readOnly));

            Assert.Equal(ErrorIds.JournalInvalid, ex.ErrorId);
            Assert.Contains($"'{UserText.Excerpt(path)}' is not a journal", ex.Message);
            Assert.Equal(SHA256.HashData(before), SHA256.HashData(File.ReadAllBytes(path)));
        }
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"ev")]
    [InlineData("{\"event\":\"sending\",\"row\":2,\"rou")]
    [InlineData("{\"event\":\"result\",\"row\":2,\"route\":\"UserPermission\",\"openid\":\"oB\",\"service_id\":\"500001\",\"success\":true}")]
    public void Only_a_last_line_that_begins_a_record_is_dropped_as_torn(string torn)
    {
        string path = PathOf("torn-prefix.jsonl");
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            journal.RecordResult(Result(1, "oWhole", true, ResultCodes.Ok));
        }

        File.AppendAllText(path, torn);

        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            Assert.Equal(torn.Length, journal.TornBytes);
            Assert.Equal(JournalRowState.Done, journal.Previous(Key("oWhole")));
        }

        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public void An_empty_file_is_a_new_journal()
    {
        string path = PathOf("empty.jsonl");
        File.WriteAllBytes(path, []);

        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            Assert.Equal(0, journal.PreviousRecords);
            journal.RecordResult(Result(1, "oFirst", true, ResultCodes.Ok));
        }

        using RunJournal reopened = JournalFiles.OpenRun(path);
        Assert.Equal(JournalRowState.Done, reopened.Previous(Key("oFirst")));
    }

    [Fact]
    public void A_folder_is_refused_as_a_folder()
    {
        foreach (bool readOnly in new[] { false, true })
        {
            var ex = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(Folder, readOnly));

            Assert.Equal(ErrorIds.JournalInvalid, ex.ErrorId);
            Assert.Contains("names a folder, not a file", ex.Message);
        }
    }

    [Fact]
    public void A_device_is_refused_without_being_read_to_its_end()
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // no such devices here (Windows): FileStream refuses devices itself
        }

        // /dev/zero reads as an endless line: a run refuses it as a device, and so does -WhatIf (which cannot write
        // to tell) before it opens it.
        var run = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun("/dev/zero"));
        var preview = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun("/dev/zero", readOnly: true));
        var nothing = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun("/dev/null"));

        Assert.Equal((ErrorIds.JournalInvalid, ErrorIds.JournalInvalid, ErrorIds.JournalInvalid), (run.ErrorId, preview.ErrorId, nothing.ErrorId));
        Assert.Contains("names a device or a pipe, not a file", run.Message);
        Assert.Contains("names a device or a pipe, not a file", preview.Message);
        Assert.Contains("names a device or a pipe, not a file", nothing.Message);
    }

    #endregion

    #region What Windows writes

    [Fact]
    public void A_journal_saved_by_Windows_PowerShell_with_a_byte_order_mark_and_CRLF_line_ends_is_read_and_continued()
    {
        string path = PathOf("windows.jsonl");
        JournalFiles.WriteAsWindowsPowerShell(path);

        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            Assert.Equal(3, journal.PreviousRecords);
            Assert.Equal(JournalRowState.Done, journal.Previous(Key("oBom1")));
            Assert.Equal(JournalRowState.Sending, journal.Previous(Key("oBom2")));
            journal.RecordResult(Result(2, "oBom2", true, ResultCodes.SettledByQuery));
        }

        using RunJournal reopened = JournalFiles.OpenRun(path);
        Assert.Equal(JournalRowState.Done, reopened.Previous(Key("oBom2")));
        Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(path).Take(3));
    }

    [Fact]
    public void A_row_with_an_overlong_value_is_recorded_within_the_line_a_journal_may_have()
    {
        string path = PathOf("long-values.jsonl");
        TerminateResult invalid = Result(1, new string('o', 100_000), false, ResultCodes.InvalidInput);
        invalid.Message = "openid is 100000 characters long " + new string('!', 100_000);
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            journal.RecordResult(invalid);
            journal.RecordResult(Result(2, "oAfter", true, ResultCodes.Ok));
        }

        using RunJournal reopened = JournalFiles.OpenRun(path);
        Assert.Equal(JournalRowState.Done, reopened.Previous(Key("oAfter")));
        Assert.All(File.ReadAllLines(path), line => Assert.True(line.Length < RunJournal.MaxLineBytes, $"{line.Length} characters"));
    }

    #endregion

    #region Errors that say what happened

    [Fact]
    public void A_missing_folder_is_named_as_such()
    {
        var ex = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(PathOf("no/such/folder/run.jsonl")));

        Assert.Equal(ErrorIds.JournalUnavailable, ex.ErrorId);
        Assert.Contains("does not exist", ex.Message);
        Assert.DoesNotContain("in use", ex.Message);
    }

    [Theory]
    [InlineData("missing folder", "The folder of the journal")]
    [InlineData("permission denied", "Permission denied")]
    [InlineData("held by another run", "in use by another run")]
    [InlineData("read-only file system", "cannot be opened (Read-only file system)")]
    public void Each_reason_a_journal_cannot_be_opened_gets_its_own_message_without_the_whole_path(string reason, string expected)
    {
        string path = "/srv/payscore/" + new string('d', 80) + "/run.jsonl";
        int heldByAnother = OperatingSystem.IsWindows() ? unchecked((int)0x80070020) : 11;
        Exception cause = reason switch
        {
            "missing folder" => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
            "permission denied" => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
            "held by another run" => new IOException($"The process cannot access the file '{path}' because it is being used by another process.", heldByAnother),
            _ => new IOException($"Read-only file system : '{path}'", 30),
        };

        PayscoreException ex = FileJournalStore.OpenFailure(cause, path);

        Assert.Equal(ErrorIds.JournalUnavailable, ex.ErrorId);
        Assert.Contains(expected, ex.Message);
        Assert.Contains(UserText.ExcerptPath(path), ex.Message);
        Assert.Contains("/run.jsonl", ex.Message);
        Assert.DoesNotContain(path, ex.Message);
        Assert.DoesNotContain(path, ex.ToString());
        Assert.Equal(reason == "held by another run", ex.Message.Contains("another run", StringComparison.Ordinal));
    }

    #endregion

    #region A disk that fills up

    [Theory]
    [InlineData("sending")]
    [InlineData("result")]
    public void A_write_that_fails_stops_all_writing_and_the_next_run_resumes_from_what_reached_the_disk(string failingRecord)
    {
        string path = PathOf("full.jsonl");
        var disk = new FillingStore(FileJournalStore.Open(path, JournalAccess.Run));
        RunJournal journal = RunJournal.Open(disk);
        journal.RecordSending(1, Request("oSaved"));
        journal.RecordResult(Result(1, "oSaved", true, ResultCodes.Ok));
        journal.Commit();
        if (failingRecord == "result")
        {
            journal.RecordSending(2, Request("oLost"));
            journal.Commit();
        }

        disk.SpaceLeft = 20;
        if (failingRecord == "sending")
        {
            journal.RecordSending(2, Request("oLost"));
            journal.Commit();
        }
        else
        {
            journal.RecordResult(Result(2, "oLost", true, ResultCodes.Ok));
            journal.Commit();
        }

        PayscoreException failure = Assert.IsType<PayscoreException>(journal.Failure);
        Assert.Equal(ErrorIds.JournalWriteFailed, failure.ErrorId);
        Assert.Contains($"'{UserText.Excerpt(path)}' could not be written (No space left on device)", failure.Message);
        Assert.Contains("Free space", failure.Message);
        Assert.Contains("same -JournalPath", failure.Message);

        journal.RecordResult(Result(3, "oAfter", true, ResultCodes.Ok));
        journal.RecordSending(4, Request("oAfter2"));
        journal.Commit();
        journal.Dispose();
        Assert.Equal(0, disk.WritesAfterFull);

        using RunJournal next = JournalFiles.OpenRun(path);
        Assert.True(next.TornBytes > 0);
        Assert.Equal(JournalRowState.Done, next.Previous(Key("oSaved")));
        Assert.Equal(failingRecord == "sending" ? null : JournalRowState.Sending, next.Previous(Key("oLost")));
        Assert.Null(next.Previous(Key("oAfter")));
    }

    #endregion

    [Fact]
    public void A_read_only_journal_writes_nothing_and_creates_nothing()
    {
        string path = PathOf("absent.jsonl");

        using (RunJournal journal = JournalFiles.OpenRun(path, readOnly: true))
        {
            journal.RecordSending(1, Request("oPreview"));
            journal.RecordResult(Result(1, "oPreview", true, ResultCodes.Ok));
            journal.Commit();
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void The_ledger_sends_a_row_once_per_run_and_asks_first_where_an_earlier_run_may_have_sent_it()
    {
        string path = PathOf("ledger.jsonl");
        using (RunJournal earlier = JournalFiles.OpenRun(path))
        {
            earlier.RecordSending(1, Request("oEnded"));
            earlier.RecordResult(Result(1, "oEnded", true, ResultCodes.Ok));
            earlier.RecordSending(2, Request("oInFlight"));
        }

        using var ledger = new RowLedger(JournalFiles.OpenRun(path));

        Assert.Equal(RowDecision.Send, ledger.Decide(1, Request("oNew"), out _));
        Assert.Equal(RowDecision.AlreadyDone, ledger.Decide(2, Request("oEnded"), out _));
        Assert.Equal(RowDecision.AskFirst, ledger.Decide(3, Request("oInFlight"), out _));
        Assert.Equal(RowDecision.Duplicate, ledger.Decide(4, Request("oNew"), out long first));
        Assert.Equal(1, first);
    }

    [Theory]
    [InlineData(true, ResultCodes.Ok, "Done")]
    [InlineData(true, ResultCodes.SettledByQuery, "Done")]
    [InlineData(true, ResultCodes.AlreadyEnded, "Done")]
    [InlineData(false, ResultCodes.AlreadyEnded, "Done")]
    [InlineData(false, ResultCodes.Timeout, "Unknown")]
    [InlineData(false, ResultCodes.NetworkError, "Unknown")]
    [InlineData(false, ResultCodes.ResponseUnverified, "Unknown")]
    [InlineData(false, ResultCodes.OutcomeUnknown, "Unknown")]
    [InlineData(false, "FREQUENCY_LIMITED", "Failed")]
    [InlineData(false, "INVALID_REQUEST", "Failed")]
    public void Final_records_are_classified_by_whether_they_leave_the_outcome_open(bool success, string code, string entry)
    {
        Assert.Equal(Enum.Parse<JournalRowState>(entry), JournalReplay.Classify(success, code));
    }
}
