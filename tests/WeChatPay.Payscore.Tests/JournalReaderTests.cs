using System.Diagnostics;
using System.Text;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Reading a journal file for Get-WxPayscoreJournal, on its own: what it says of each row, and what it refuses.</summary>
public sealed class JournalReaderTests() : JournalFolder("wxpay-journal-reader-")
{
    private const string AppId = "wxd678efh567hg6787";

    private static RowFields User(string openId) => RowFields.ForOpenId(openId, "500001", AppId);

    private static TerminateRequest Request(RowFields fields)
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, fields, "r", out TerminateRequest? request, out var problems), string.Join("; ", problems));
        return request!;
    }

    private static TerminateResult Result(long row, RowFields fields, bool success, string code, string message = "m", string? requestId = null, DateTimeOffset? at = null)
    {
        var result = new TerminateResult
        {
            RowNumber = row,
            Route = TerminateRequest.RouteOf(AuthorizationTarget.KindOf(fields), TerminateRoute.UserPermission),
            Success = success,
            Code = code,
            Message = message,
            RequestId = requestId,
            CompletedAt = at ?? DateTimeOffset.UtcNow,
        };
        result.Identify(fields);
        return result;
    }

    private static List<JournalRow> Read(string path, params JournalRowState[] states) => Read(JournalReader.Of(path), states);

    private static List<JournalRow> Read(JournalReader reader, params JournalRowState[] states)
    {
        var rows = new List<JournalRow>();
        reader.Read(states.Length == 0 ? null : states, rows.Add);
        return rows;
    }


    #region What each row came to

    private static readonly RowFields Code = new() { AuthorizationCode = "1234323JKHDFE1243252", ServiceId = "500001" };
    private static readonly RowFields PartnerUser = new() { SubMerchantId = "1900000109", OpenId = "oPartner", AppId = AppId, ServiceId = "500001" };
    private static readonly RowFields PartnerSubUser = new() { SubMerchantId = "1900000109", SubOpenId = "oSub", SubAppId = "wx8888888888888888", AppId = AppId, ServiceId = "500001" };

    /// <summary>Two runs' records of every kind, the second resuming the first.</summary>
    private string TwoRuns()
    {
        string path = PathOf("two-runs.jsonl");
        var done = new DateTimeOffset(2025, 3, 1, 8, 30, 0, TimeSpan.Zero);
        using (RunJournal first = JournalFiles.OpenRun(path))
        {
            foreach (RowFields fields in new[] { User("oDone"), User("oRefused"), User("oLost"), User("oInFlight"), User("oRetried"), User("oLostThenRefused"), Code, PartnerUser, PartnerSubUser })
            {
                first.RecordSending(1, Request(fields));
            }

            first.RecordResult(Result(1, User("oDone"), true, ResultCodes.Ok, "ended", "req-done", done));
            first.RecordResult(Result(2, User("oRefused"), false, "INVALID_REQUEST", "用户未授权该服务"));
            first.RecordResult(Result(3, User("oLost"), false, ResultCodes.Timeout, "no answer within 30 s"));
            first.RecordResult(Result(5, User("oRetried"), false, "FREQUENCY_LIMITED"));
            first.RecordResult(Result(6, User("oLostThenRefused"), false, ResultCodes.NetworkError));
            first.RecordResult(Result(6, User("oLostThenRefused"), false, "PARAM_ERROR", "a refusal after a request that may have landed"));
            first.RecordResult(Result(7, Code, true, ResultCodes.Ok));
            first.RecordResult(Result(8, PartnerUser, true, ResultCodes.SettledByQuery));
            first.RecordResult(Result(9, PartnerSubUser, false, ResultCodes.AlreadyEnded));

            // Rows that name no authorization's state: bad input, a repeat, one not started.
            first.RecordResult(Result(10, User("oBadReason"), false, ResultCodes.InvalidInput));
            first.RecordResult(Result(11, User("oDone"), false, ResultCodes.Duplicate));
            first.RecordResult(Result(12, User("oNotStarted"), false, ResultCodes.NotStarted));
        }

        using (RunJournal second = JournalFiles.OpenRun(path))
        {
            second.RecordSending(1, Request(User("oRetried")));
            second.RecordResult(Result(1, User("oRetried"), true, ResultCodes.Ok, requestId: "req-retried"));
        }

        return path;
    }

    [Fact]
    public void Each_authorization_is_shown_once_in_the_state_a_run_resuming_the_journal_finds_it()
    {
        string path = TwoRuns();

        List<JournalRow> rows = Read(path);

        using RunJournal resumed = JournalFiles.OpenRun(path, readOnly: true);
        Assert.All(rows, row => Assert.Equal(resumed.Previous(Key(row.Identity)), row.State));
        Assert.Equal(rows.Count, rows.Select(r => Key(r.Identity)).Distinct().Count());
        var states = rows.ToDictionary(r => r.Identity.Subject!, r => r.State);
        Assert.Equal(
            new Dictionary<string, JournalRowState>
            {
                ["oDone"] = JournalRowState.Done,
                ["oRefused"] = JournalRowState.Failed,
                ["oLost"] = JournalRowState.Unknown,
                ["oInFlight"] = JournalRowState.Sending,
                ["oRetried"] = JournalRowState.Done,
                ["oLostThenRefused"] = JournalRowState.Unknown,
                [Code.AuthorizationCode!] = JournalRowState.Done,
                ["oPartner"] = JournalRowState.Done,
                ["oSub"] = JournalRowState.Done,
            },
            states);
    }

    [Fact]
    public void A_row_carries_its_identity_and_its_final_record_and_rows_come_in_the_order_their_state_was_set()
    {
        List<JournalRow> rows = Read(TwoRuns());

        // oDone's state was set before its repeat (which says nothing); oRetried's last record is the second run's.
        Assert.Equal(["oInFlight", "oDone", "oRefused", "oLost", "oLostThenRefused", Code.AuthorizationCode!, "oPartner", "oSub", "oRetried"], rows.Select(r => r.Identity.Subject));

        JournalRow done = rows.Single(r => r.OpenId == "oDone");
        Assert.Equal((ResultCodes.Ok, "ended", "req-done", new DateTimeOffset(2025, 3, 1, 8, 30, 0, TimeSpan.Zero)), (done.Code, done.Message, done.RequestId, done.CompletedAt));
        Assert.Equal(("500001", AppId), (done.ServiceId, done.AppId));

        JournalRow inFlight = rows.Single(r => r.OpenId == "oInFlight");
        Assert.True(inFlight.Code == null && inFlight.Message == null && inFlight.RequestId == null && inFlight.CompletedAt == null);

        // A refusal after an outcome left open leaves it open; its record is the row's last.
        JournalRow lost = rows.Single(r => r.OpenId == "oLostThenRefused");
        Assert.Equal(("PARAM_ERROR", JournalRowState.Unknown), (lost.Code, lost.State));
        JournalRow retried = rows.Single(r => r.OpenId == "oRetried");
        Assert.Equal(("req-retried", ResultCodes.Ok), (retried.RequestId, retried.Code));
        Assert.Equal("用户未授权该服务", rows.Single(r => r.OpenId == "oRefused").Message);

        foreach (RowFields fields in new[] { Code, PartnerUser, PartnerSubUser })
        {
            JournalRow row = rows.Single(r => r.Identity.Subject == fields.Subject);
            foreach (IdentityField field in RowFields.Identity)
            {
                Assert.Equal(field.Get(fields), field.Get(row.Identity));
                Assert.Equal(field.Get(fields), typeof(JournalRow).GetProperty(field.PropertyName)!.GetValue(row));
            }
        }
    }

    [Fact]
    public void Only_the_rows_in_the_states_asked_for_are_handed_out_and_the_reading_counts_them_all()
    {
        string path = TwoRuns();
        var rows = new List<JournalRow>();

        JournalReading reading = JournalReader.Of(path).Read([JournalRowState.Unknown, JournalRowState.Sending], rows.Add);

        Assert.Equal(["oInFlight", "oLost", "oLostThenRefused"], rows.Select(r => r.OpenId));
        Assert.Equal((9, 3), (reading.Rows, reading.Shown));
        Assert.Equal(File.ReadAllLines(path).Length, reading.Records);
        Assert.All(Read(path, JournalRowState.Failed), r => Assert.Equal(JournalRowState.Failed, r.State));
        Assert.Single(Read(path, JournalRowState.Failed));
    }

    [Fact]
    public void A_long_message_is_shown_as_an_excerpt_and_Chinese_text_survives_the_reads_in_blocks()
    {
        // Enough records that lines cross the 64 KiB blocks the store is read in, each cut inside a character.
        string path = PathOf("chinese.jsonl");
        string chinese = "该用户的授权已解除，无需重复解除。";
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            for (int i = 0; i < 2000; i++)
            {
                journal.RecordResult(Result(i + 1, User($"o{i}"), false, "INVALID_REQUEST", $"{i} {chinese}"));
            }

            journal.RecordResult(Result(2001, User("oLong"), false, "INVALID_REQUEST", new string('长', 1000)));
        }

        List<JournalRow> rows = Read(path);

        Assert.True(new FileInfo(path).Length > 3 * 64 * 1024);
        Assert.Equal(2001, rows.Count);
        Assert.All(rows.Take(2000).Select((r, i) => (r, i)), x => Assert.Equal($"{x.i} {chinese}", x.r.Message));
        Assert.Equal(new string('长', JournalRow.MessageExcerpt) + "…(1,000 characters)", rows[^1].Message);
    }

    [Fact]
    public void A_journal_saved_by_Windows_PowerShell_is_read()
    {
        string path = PathOf("windows.jsonl");
        JournalFiles.WriteAsWindowsPowerShell(path);

        List<JournalRow> rows = Read(path);

        Assert.Equal([("oBom1", JournalRowState.Done), ("oBom2", JournalRowState.Sending)], rows.Select(r => (r.OpenId!, r.State)));
        Assert.Null(rows[0].CompletedAt);
    }

    #endregion

    #region A journal a run is writing

    [Fact]
    public void A_torn_last_line_is_left_out_and_left_where_it_is_for_the_run_to_drop()
    {
        string path = PathOf("torn.jsonl");
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            journal.RecordSending(1, Request(User("oWhole")));
            journal.RecordResult(Result(1, User("oWhole"), true, ResultCodes.Ok));
        }

        const string torn = "{\"event\":\"result\",\"row\":2,\"route\":\"UserPermission\",\"openid\":\"oTo";
        File.AppendAllText(path, torn);
        byte[] before = File.ReadAllBytes(path);
        var rows = new List<JournalRow>();

        JournalReading reading = JournalReader.Of(path).Read(null, rows.Add);

        Assert.Equal(("oWhole", JournalRowState.Done), (rows.Single().OpenId, rows.Single().State));
        Assert.Equal(torn.Length, reading.TornBytes);
        Assert.Equal(before, File.ReadAllBytes(path));
        using RunJournal resumed = JournalFiles.OpenRun(path);
        Assert.Equal(torn.Length, resumed.TornBytes);
    }

    [Fact]
    public void A_torn_line_that_a_later_run_closed_with_a_torn_record_is_skipped()
    {
        // What a journal in an append blob holds after a killed run and a resume: the torn line stays, closed.
        string path = PathOf("closed.jsonl");
        using (RunJournal journal = JournalFiles.OpenRun(path))
        {
            journal.RecordSending(1, Request(User("oBefore")));
        }

        File.AppendAllText(path, "{\"event\":\"result\",\"row\":1,\"route\":\"UserPer");
        File.AppendAllBytes(path, JournalFormat.TornLineEnd(40));
        File.AppendAllText(path, "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oAfter\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\n");

        Assert.Equal(["oBefore", "oAfter"], Read(path).Select(r => r.OpenId));
    }

    [Fact]
    public void Records_a_run_appends_between_the_two_readings_are_left_for_the_next_reading()
    {
        string path = PathOf("growing.jsonl");
        using RunJournal run = JournalFiles.OpenRun(path);
        run.RecordSending(1, Request(User("oA")));
        run.RecordResult(Result(1, User("oA"), true, ResultCodes.Ok));
        run.RecordSending(2, Request(User("oB")));
        run.Commit();
        int opened = 0;
        var reader = new JournalReader(() =>
        {
            if (++opened == 2)
            {
                // Between the readings, the run goes on: oB finishes, oC starts.
                run.RecordResult(Result(2, User("oB"), true, ResultCodes.Ok));
                run.RecordSending(3, Request(User("oC")));
                run.Commit();
            }

            return FileJournalStore.Open(path, JournalAccess.Reader);
        });

        List<JournalRow> rows = Read(reader);

        Assert.Equal(2, opened);
        Assert.Equal([("oA", JournalRowState.Done), ("oB", JournalRowState.Sending)], rows.Select(r => (r.OpenId!, r.State)));
        Assert.Equal([("oA", JournalRowState.Done), ("oB", JournalRowState.Done), ("oC", JournalRowState.Sending)], Read(path).Select(r => (r.OpenId!, r.State)));
    }

    [Fact]
    public async Task A_journal_is_read_again_and_again_while_a_run_appends_to_it_and_the_run_is_never_held_up()
    {
        string path = PathOf("live.jsonl");
        const int rows = 1000;
        using var started = new ManualResetEventSlim();
        PayscoreException? failure = null;
        var writer = Task.Run(() =>
        {
            using RunJournal run = JournalFiles.OpenRun(path);
            started.Set();
            for (int i = 0; i < rows; i++)
            {
                run.RecordSending(i + 1, Request(User($"o{i}")));
                run.Commit();
                run.RecordResult(Result(i + 1, User($"o{i}"), true, ResultCodes.Ok));
                if (i % 10 == 0)
                {
                    run.Commit();
                }
            }

            run.Commit();
            failure = run.Failure;
        });
        started.Wait();

        int readings = 0;
        int doneBefore = 0;
        while (!writer.IsCompleted || readings < 2)
        {
            List<JournalRow> seen = Read(path);
            readings++;

            // Each reading is what the run had written by some moment: a row is Done or still Sending, and nothing
            // ended is forgotten by a later reading.
            Assert.All(seen, r => Assert.Contains(r.State, new[] { JournalRowState.Done, JournalRowState.Sending }));
            int done = seen.Count(r => r.State == JournalRowState.Done);
            Assert.True(done >= doneBefore, $"reading {readings}: {done} rows done, {doneBefore} before");
            doneBefore = done;
        }

        await writer;
        Assert.Null(failure);
        List<JournalRow> final = Read(path);
        Assert.Equal(rows, final.Count);
        Assert.All(final, r => Assert.Equal(JournalRowState.Done, r.State));
        Assert.True(readings >= 2);
    }

    [Fact]
    public void A_run_may_start_on_the_journal_while_it_is_being_read()
    {
        string path = PathOf("read-then-run.jsonl");
        using (RunJournal earlier = JournalFiles.OpenRun(path))
        {
            earlier.RecordSending(1, Request(User("oEarlier")));
        }

        var rows = new List<JournalRow>();
        JournalReader.Of(path).Read(null, row =>
        {
            // The reader has the file open now: a run that starts takes the journal all the same.
            using RunJournal run = JournalFiles.OpenRun(path);
            run.RecordResult(Result(1, User("oEarlier"), true, ResultCodes.SettledByQuery));
            rows.Add(row);
        });

        Assert.Equal(JournalRowState.Sending, Assert.Single(rows).State);
        Assert.Equal(JournalRowState.Done, Assert.Single(Read(path)).State);
    }

    [Fact]
    public void A_journal_a_run_holds_is_read_by_any_name_of_the_file()
    {
        string path = PathOf("held.jsonl");
        using RunJournal run = JournalFiles.OpenRun(path);
        run.RecordSending(1, Request(User("oHeld")));
        run.Commit();

        foreach (string name in new[] { JournalFiles.SymbolicLink, JournalFiles.HardLink, JournalFiles.RelativePath })
        {
            Assert.Equal(("oHeld", JournalRowState.Sending), Read(JournalFiles.OtherName(path, name)).Select(r => (r.OpenId!, r.State)).Single());
        }
    }

    [Fact]
    public void What_a_row_handler_throws_goes_through_as_it_is()
    {
        string path = TwoRuns();
        int handed = 0;

        var ex = Assert.Throws<FormatException>(() => JournalReader.Of(path).Read(null, _ =>
        {
            handed++;
            throw new FormatException("the output failed");
        }));

        Assert.Equal("the output failed", ex.Message);
        Assert.Equal(1, handed);
    }

    #endregion

    #region What is refused, as a run refuses it

    public static TheoryData<string> NotJournals() => new()
    {
        "text without a line end",
        "a PNG photo",
        "a journal that ends in something else",
        "one 100 KiB line",
        "UTF-16 text",
        "a CSV of users",
    };

    private static byte[] Content(string kind) => kind switch
    {
        "text without a line end" => "Notes for Monday: call the bank"u8.ToArray(),
        "a PNG photo" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00],
        "a journal that ends in something else" => [.. "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oA\",\"service_id\":\"1\"}\n"u8, .. "{\"openid\":\"oB\"}"u8],
        "one 100 KiB line" => [.. Enumerable.Repeat((byte)'x', 100 * 1024), (byte)'\n'],
        "UTF-16 text" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"event\":\"sending\"}\n")],
        "a CSV of users" => "openid,service_id\noA,500001\n"u8.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(NotJournals))]
    public void A_file_that_is_not_a_journal_is_refused_as_the_run_refuses_it_and_left_as_it_was(string kind)
    {
        string path = PathOf("not-a-journal.dat");
        byte[] before = Content(kind);
        File.WriteAllBytes(path, before);
        var rows = new List<JournalRow>();

        var read = Assert.Throws<PayscoreException>(() => JournalReader.Of(path).Read(null, rows.Add));
        var run = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(path));

        Assert.Equal(ErrorIds.JournalInvalid, read.ErrorId);
        Assert.Equal(run.ErrorId, read.ErrorId);
        Assert.Empty(rows);
        Assert.StartsWith($"The file '{UserText.ExcerptPath(path)}' is not a journal: ", read.Message);
        Assert.Equal(run.Message.Split(". It was left")[0], read.Message.Split(". It was left")[0]);
        Assert.EndsWith("Give -Path a journal file that Invoke-WxPayscoreTerminate wrote.", read.Message);
        Assert.DoesNotContain("Nothing was sent", read.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_folder_is_refused_as_a_folder()
    {
        var read = Assert.Throws<PayscoreException>(() => Read(Folder));
        var run = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(Folder));

        Assert.Equal((ErrorIds.JournalInvalid, ErrorIds.JournalInvalid), (read.ErrorId, run.ErrorId));
        Assert.Equal($"-Path '{UserText.ExcerptPath(Folder)}' names a folder, not a file. Give it the path of a journal file that Invoke-WxPayscoreTerminate wrote.", read.Message);
    }

    [UnixFact]
    public void A_fifo_is_refused_as_the_run_refuses_it_without_waiting_for_a_writer_and_so_is_it_by_WhatIf()
    {
        string fifo = PathOf("journal.fifo");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A reader (or -WhatIf) blocked opening the FIFO would go on once a writer opens it and closes it: the test
        // fails then.
        Task<(PayscoreException Read, PayscoreException Preview)> refused = Task.Run(() => (
            Assert.Throws<PayscoreException>(() => Read(fifo)),
            Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(fifo, readOnly: true))));
        if (!refused.Wait(TimeSpan.FromSeconds(20)))
        {
            new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose();
            Assert.Fail("Reading the FIFO waited for a writer.");
        }

        var run = Assert.Throws<PayscoreException>(() => JournalFiles.OpenRun(fifo));
        (PayscoreException read, PayscoreException preview) = refused.Result;
        Assert.Equal((ErrorIds.JournalInvalid, ErrorIds.JournalInvalid, ErrorIds.JournalInvalid), (read.ErrorId, preview.ErrorId, run.ErrorId));
        Assert.All(new[] { read, preview, run }, ex => Assert.Contains("names a device or a pipe, not a file", ex.Message));
    }

    [UnixFact]
    public void A_device_is_refused_without_being_read()
    {
        var read = Assert.Throws<PayscoreException>(() => Read("/dev/zero"));

        Assert.Equal(ErrorIds.JournalInvalid, read.ErrorId);
        Assert.Contains("'/dev/zero' names a device or a pipe, not a file", read.Message);
    }

    [Fact]
    public void A_missing_journal_is_not_found_where_a_run_would_create_it()
    {
        var file = Assert.Throws<PayscoreException>(() => Read(PathOf("none.jsonl")));
        var folder = Assert.Throws<PayscoreException>(() => Read(PathOf("no/such/folder/run.jsonl")));

        Assert.Equal((ErrorIds.JournalNotFound, ErrorIds.JournalNotFound), (file.ErrorId, folder.ErrorId));
        Assert.Equal($"The journal '{UserText.ExcerptPath(PathOf("none.jsonl"))}' does not exist. Give -Path the -JournalPath of a run of Invoke-WxPayscoreTerminate.", file.Message);
        Assert.Contains("does not exist, nor does its folder", folder.Message);
        Assert.False(File.Exists(PathOf("none.jsonl")));
    }

    [Fact]
    public void A_journal_that_cannot_be_opened_for_reading_says_so_for_a_reader()
    {
        string path = "/srv/payscore/" + new string('d', 80) + "/run.jsonl";

        PayscoreException denied = FileJournalStore.OpenFailure(new UnauthorizedAccessException($"Access to the path '{path}' is denied."), path, JournalAccess.Reader);

        Assert.Equal(ErrorIds.JournalUnavailable, denied.ErrorId);
        Assert.Equal($"Permission denied: this account may not read the journal '{UserText.ExcerptPath(path)}'. Change the file's permissions, or read it as an account that may.", denied.Message);
    }

    #endregion
}
