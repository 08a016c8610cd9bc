using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Nothing lost, nothing done twice: the journal and resuming from it, answers that are lost or cannot be trusted
/// (settled by the query), duplicates in the input, hostile input and hostile answers.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class ResumeAndSettlementTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private readonly WechatpaySimulator _sim;
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-journal-").FullName;

    public ResumeAndSettlementTests(SimulatorFixture fixture, ITestOutputHelper output)
    {
        _sim = fixture.Simulator;
        _output = output;
        _sim.Reset();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Journal => Path.Combine(_dir, "run.jsonl");

    private Dictionary<string, object?> Parameters(bool journal = true, int maxRetries = 3)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = maxRetries;
        parameters["MaxRequestsPerSecond"] = 0.0;
        if (journal)
        {
            parameters["JournalPath"] = Journal;
        }

        return parameters;
    }

    private static PSObject Row(string openId, string serviceId = "500001") => HostedRun.Row(openId, serviceId);

    private List<JsonElement> Records() =>
        File.ReadAllLines(Journal).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    private List<JsonElement> Results() => Records().Where(r => r.GetProperty("event").GetString() == "result").ToList();

    #region Journal and resume

    [Fact]
    public void The_journal_has_a_sending_line_per_sent_row_and_a_result_line_per_row()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oJ2" });

        HostedRun run = HostedRun.Invoke([Row("oJ1"), Row("oJ2"), Row("bad/row")], Parameters(maxRetries: 0));

        List<JsonElement> results = Results();
        Assert.Equal(3, run.Results.Count);
        Assert.Equal(["oJ1", "oJ2", "bad/row"], results.OrderBy(r => r.GetProperty("row").GetInt64()).Select(r => r.GetProperty("openid").GetString()));
        Assert.Equal([true, false, false], results.OrderBy(r => r.GetProperty("row").GetInt64()).Select(r => r.GetProperty("success").GetBoolean()));
        Assert.Equal(2, Records().Count(r => r.GetProperty("event").GetString() == "sending"));
        Assert.Equal(["OK", "SYSTEM_ERROR", "INVALID_INPUT"], results.OrderBy(r => r.GetProperty("row").GetInt64()).Select(r => r.GetProperty("code").GetString()));
    }

    [Fact]
    public void Resuming_sends_only_the_rows_that_are_not_done_and_reports_the_others_as_already_done()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oR2", Count = 1 });
        HostedRun.Invoke([Row("oR1"), Row("oR2"), Row("oR3")], Parameters(maxRetries: 0));
        int before = _sim.RequestCount;

        HostedRun again = HostedRun.Invoke([Row("oR1"), Row("oR2"), Row("oR3")], Parameters());

        Assert.Equal([ResultCodes.AlreadyDone, ResultCodes.Ok, ResultCodes.AlreadyDone], again.Results.Select(r => r.Code));
        Assert.All(again.Results, r => Assert.True(r.Success));
        Assert.Equal(0, again.Results[0].Attempts);
        Assert.Equal(1, _sim.RequestCount - before);
        Assert.Equal(1, _sim.ProcessedTerminates("oR1", "500001"));
        Assert.Equal(4, Results().Count); // three from the first run, one for the row sent again
    }

    [Fact]
    public void The_journal_matches_rows_by_what_they_are_not_by_their_position()
    {
        HostedRun.Invoke([Row("oP1"), Row("oP2")], Parameters());

        HostedRun again = HostedRun.Invoke([Row("oP3"), Row("oP2"), Row("oP1")], Parameters());

        Assert.Equal([ResultCodes.Ok, ResultCodes.AlreadyDone, ResultCodes.AlreadyDone], again.Results.Select(r => r.Code));
        Assert.Equal(3, _sim.Terminates.Count);
    }

    [Fact]
    public void A_torn_last_line_left_by_a_killed_run_is_dropped_and_the_run_resumes()
    {
        HostedRun.Invoke([Row("oT1")], Parameters());
        File.AppendAllText(Journal, "{\"event\":\"result\",\"row\":2,\"route\":\"UserPerm");
        var parameters = Parameters();
        parameters["Verbose"] = true;

        HostedRun again = HostedRun.Invoke([Row("oT1"), Row("oT2")], parameters);

        Assert.Equal([ResultCodes.AlreadyDone, ResultCodes.Ok], again.Results.Select(r => r.Code));
        Assert.Contains(again.Verbose, v => v.Contains("torn last line", StringComparison.Ordinal));
        Assert.All(File.ReadAllLines(Journal), line => JsonDocument.Parse(line));
    }

    [Fact]
    public void A_row_in_flight_when_a_run_died_is_settled_by_the_query_instead_of_being_sent_again()
    {
        // The run that died had sent oK1 (WeChat Pay ended it) and was about to send oK2 (it never arrived).
        _sim.SetAuthorizationState("oK1", "500001", "UNAVAILABLE");
        File.WriteAllText(Journal, string.Concat(
            "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oK1\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\n",
            "{\"event\":\"sending\",\"row\":2,\"route\":\"UserPermission\",\"openid\":\"oK2\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\n"));

        HostedRun again = HostedRun.Invoke([Row("oK1"), Row("oK2")], Parameters());

        Assert.Equal([ResultCodes.SettledByQuery, ResultCodes.Ok], again.Results.Select(r => r.Code));
        Assert.Equal([0, 1], again.Results.Select(r => r.Attempts));
        Assert.Equal(0, _sim.ProcessedTerminates("oK1", "500001"));
        Assert.Equal(1, _sim.ProcessedTerminates("oK2", "500001"));
    }

    [Fact]
    public void WhatIf_reads_the_journal_and_writes_nothing()
    {
        HostedRun.Invoke([Row("oW1")], Parameters());
        byte[] journal = File.ReadAllBytes(Journal);
        var parameters = Parameters();
        parameters.Remove("Confirm");
        parameters["WhatIf"] = true;
        var fresh = Parameters();
        fresh.Remove("Confirm");
        fresh["WhatIf"] = true;
        fresh["JournalPath"] = Path.Combine(_dir, "never-created.jsonl");

        HostedRun preview = HostedRun.Invoke([Row("oW1"), Row("oW2")], parameters);
        HostedRun.Invoke([Row("oW3")], fresh);

        Assert.Equal(ResultCodes.AlreadyDone, Assert.Single(preview.Results).Code);
        Assert.Equal(journal, File.ReadAllBytes(Journal));
        Assert.False(File.Exists(Path.Combine(_dir, "never-created.jsonl")));
        Assert.Equal(1, _sim.RequestCount);
    }

    [Theory]
    [InlineData(JournalFiles.SymbolicLink)]
    [InlineData(JournalFiles.HardLink)]
    [InlineData(JournalFiles.RelativePath)]
    [InlineData(JournalFiles.AbsolutePath)]
    public void A_journal_another_run_is_writing_stops_the_second_run_before_it_sends_whatever_name_it_is_given(string name)
    {
        using var otherRun = JournalFiles.OpenRun(Journal);
        var parameters = Parameters();
        parameters["JournalPath"] = JournalFiles.OtherName(Journal, name);

        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke([Row("oBusy")], parameters));

        Assert.StartsWith(ErrorIds.JournalUnavailable + ",", ex.ErrorRecord.FullyQualifiedErrorId);
        Assert.Contains("in use by another run", ex.Message);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_journal_saved_with_a_byte_order_mark_resumes()
    {
        // Edited and saved by Windows PowerShell (Set-Content -Encoding UTF8): a BOM and CRLF line ends.
        _sim.SetAuthorizationState("oBom2", "500001", "UNAVAILABLE");
        File.WriteAllText(Journal, string.Concat(
            "{\"event\":\"sending\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oBom1\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\r\n",
            "{\"event\":\"result\",\"row\":1,\"route\":\"UserPermission\",\"openid\":\"oBom1\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\",\"success\":true,\"code\":\"OK\",\"status\":204,\"attempts\":1,\"message\":\"ended\"}\r\n",
            "{\"event\":\"sending\",\"row\":2,\"route\":\"UserPermission\",\"openid\":\"oBom2\",\"service_id\":\"500001\",\"appid\":\"wxd678efh567hg6787\"}\r\n"),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // One row at a time, so that the journal's records come in row order.
        var parameters = Parameters();
        parameters["ThrottleLimit"] = 1;
        HostedRun again = HostedRun.Invoke([Row("oBom1"), Row("oBom2"), Row("oBom3")], parameters);

        Assert.Equal([ResultCodes.AlreadyDone, ResultCodes.SettledByQuery, ResultCodes.Ok], again.Results.Select(r => r.Code));
        Assert.Equal([0, 0, 1], new[] { "oBom1", "oBom2", "oBom3" }.Select(o => _sim.ProcessedTerminates(o, "500001")));
        Assert.Equal(["oBom1", "oBom2", "oBom3"], Results().Select(r => r.GetProperty("openid").GetString()).Order()); // in the order rows finish
    }

    [Fact]
    public void A_text_file_given_as_the_journal_stops_the_run_and_is_left_byte_identical()
    {
        byte[] notes = Encoding.UTF8.GetBytes("Pay Score clean-up, step 2: run the terminate with -JournalPath");
        File.WriteAllBytes(Journal, notes);

        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke([Row("oNotes")], Parameters()));

        Assert.StartsWith(ErrorIds.JournalInvalid + ",", ex.ErrorRecord.FullyQualifiedErrorId);
        Assert.Contains(UserText.Excerpt(Journal), ex.Message);
        Assert.Equal(notes, File.ReadAllBytes(Journal));
        Assert.Equal(0, _sim.RequestCount);
    }

    [Theory]
    [InlineData(1, 5, 2)] // groups of at most two rows: a group of "sending" records, or of results, fails mid-run
    [InlineData(1, 6, 2)]
    [InlineData(8, 6, 2)] // with eight rows in flight
    [InlineData(8, 12, 2)]
    [InlineData(8, 2, GroupCommitQueue<FinishedRow>.DefaultReadAhead)] // the second group: the rows read while the first row's record was written
    public void A_journal_that_cannot_be_written_stops_the_run_with_every_sent_row_settled_and_the_rerun_resumes(int throttle, int fullAtWrite, int readAhead)
    {
        const int rows = 30;
        PSObject[] input = Enumerable.Range(1, rows).Select(i => Row($"oFull{i}")).ToArray();
        var parameters = Parameters();
        parameters["ThrottleLimit"] = throttle;
        _sim.LatencyMs = 20;
        parameters["FullAtWrite"] = fullAtWrite;
        parameters["ReadAheadRows"] = readAhead;
        var store = new StrongBox<object?>(null);
        parameters["Disk"] = store;
        using var session = new HostedSession(typeof(FillingDiskTerminateCommand));
        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, input);
        var disk = (FillingStore)store.Value!;

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.JournalWriteFailed + ",", stop.FullyQualifiedErrorId);
        Assert.Contains($"'{UserText.Excerpt(Journal)}' could not be written", stop.Exception.Message);
        Assert.Equal(0, disk.WritesAfterFull);
        HashSet<string?> sent = _sim.Terminates.Select(t => t.OpenId).ToHashSet();
        Assert.InRange(sent.Count, 1, rows - 1);
        // Every row sent has its result; rows read ahead and not sent come out NOT_STARTED, and nothing was sent for them.
        Assert.Equal(sent, run.Results.Where(r => r.Code != ResultCodes.NotStarted).Select(r => r.OpenId).ToHashSet());
        Assert.All(run.Results.Where(r => r.Code != ResultCodes.NotStarted), r => Assert.True(r.Success, r.Message));
        Assert.All(run.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.DoesNotContain(r.OpenId, sent));
        Assert.All(run.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.Contains($"the run stopped ({ErrorIds.JournalWriteFailed})", r.Message));
        Assert.Equal(run.Results.Count, run.Results.Select(r => r.RowNumber).Distinct().Count());
        _output.WriteLine($"throttle {throttle}, disk full at write {fullAtWrite}, {readAhead} rows read ahead: {sent.Count} rows sent, {run.Results.Count} results");

        _sim.LatencyMs = 0;
        HostedRun again = HostedRun.Invoke(input, Parameters());

        Assert.Equal(rows, again.Results.Count);
        Assert.All(again.Results, r => Assert.True(r.Success, r.Message));
        Assert.All(input, row => Assert.Equal(1, _sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
        Assert.All(again.Results.Where(r => sent.Contains(r.OpenId)), r => Assert.Contains(r.Code, new[] { ResultCodes.AlreadyDone, ResultCodes.SettledByQuery }));
    }

    [Fact]
    public void A_file_that_is_not_a_journal_stops_the_run_before_it_sends()
    {
        File.WriteAllText(Journal, "openid,service_id\noX,500001\n");

        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke([Row("oNot")], Parameters()));

        Assert.StartsWith(ErrorIds.JournalInvalid + ",", ex.ErrorRecord.FullyQualifiedErrorId);
        Assert.Equal(0, _sim.RequestCount);
    }

    #endregion

    #region Unknown outcomes

    [Theory]
    [InlineData(FaultKind.ResetAfterProcessing)]
    [InlineData(FaultKind.CorruptSignature)]
    [InlineData(FaultKind.SignatureProbe)]
    [InlineData(FaultKind.MissingSignature)]
    public void An_answer_lost_or_untrusted_after_processing_is_settled_by_the_query_and_not_sent_again(FaultKind fault)
    {
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oLost", Target = FaultTarget.Terminate });

        HostedRun run = HostedRun.Invoke([Row("oLost")], Parameters(journal: false));

        TerminateResult result = Assert.Single(run.Results);
        Assert.True(result.Success, result.Message);
        Assert.Equal((ResultCodes.SettledByQuery, 1), (result.Code, result.Attempts));
        Assert.Contains("UNAVAILABLE", result.Message);
        Assert.Equal(1, _sim.ProcessedTerminates("oLost", "500001"));
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_request_that_broke_before_processing_is_asked_about_and_then_sent_again()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetBeforeProcessing, OpenId = "oAgain", Count = 1, Target = FaultTarget.Terminate });

        HostedRun run = HostedRun.Invoke([Row("oAgain")], Parameters(journal: false));

        TerminateResult result = Assert.Single(run.Results);
        Assert.Equal((true, ResultCodes.Ok, 2), (result.Success, result.Code, result.Attempts));
        Assert.Equal(1, _sim.ProcessedTerminates("oAgain", "500001"));
    }

    [Fact]
    public void A_timeout_is_asked_about_and_the_row_sent_again_when_still_available()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.Hang, OpenId = "oSlow", Count = 1, Target = FaultTarget.Terminate });
        var parameters = Parameters(journal: false);
        parameters["TimeoutSec"] = 1;

        HostedRun run = HostedRun.Invoke([Row("oSlow")], parameters);

        Assert.Equal((true, ResultCodes.Ok, 2), (run.Results[0].Success, run.Results[0].Code, run.Results[0].Attempts));
    }

    [Fact]
    public void When_the_query_fails_too_the_outcome_is_reported_unknown()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = "oDark", Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = FaultKind.CorruptSignature, OpenId = "oDark", Target = FaultTarget.Query });

        HostedRun run = HostedRun.Invoke([Row("oDark")], Parameters(journal: false));

        TerminateResult result = Assert.Single(run.Results);
        Assert.False(result.Success);
        Assert.Equal(ResultCodes.OutcomeUnknown, result.Code);
        Assert.StartsWith(ErrorIds.OutcomeUnknown + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(1, _sim.ProcessedTerminates("oDark", "500001"));
    }

    #endregion

    [Fact]
    public void A_repeated_row_is_sent_once_and_the_repeat_points_at_the_first()
    {
        HostedRun run = HostedRun.Invoke([Row("oDup"), Row("oOther"), Row("oDup"), Row("oDup", "500002")], Parameters(journal: false));

        Assert.Equal([ResultCodes.Ok, ResultCodes.Ok, ResultCodes.Duplicate, ResultCodes.Ok], run.Results.Select(r => r.Code));
        Assert.Contains("row 1", run.Results[2].Message);
        Assert.StartsWith(ErrorIds.DuplicateRow + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(1, _sim.ProcessedTerminates("oDup", "500001"));
        Assert.Equal(1, _sim.ProcessedTerminates("oDup", "500002"));
    }

    public static TheoryData<string, string?, string?, string?> HostileRows => new()
    {
        // case, openid, service_id, reason (null: the column is missing)
        { "empty openid", "", "500001", "r" },
        { "whitespace openid", "   ", "500001", "r" },
        { "slash", "oA/B", "500001", "r" },
        { "dot", ".", "500001", "r" },
        { "dot dot", "..", "500001", "r" },
        { "encoded slash", "oA%2FB", "500001", "r" },
        { "question mark", "oA?x=1", "500001", "r" },
        { "hash", "oA#frag", "500001", "r" },
        { "space", "oA B", "500001", "r" },
        { "CR LF", "oA\r\nX-Injected: 1", "500001", "r" },
        { "tab", "oA\tB", "500001", "r" },
        { "CJK in id", "用户", "500001", "r" },
        { "emoji in id", "o😀", "500001", "r" },
        { "over-long openid", new string('o', 129), "500001", "r" },
        { "over-long service_id", "oLong", new string('5', 33), "r" },
        { "service_id with slash", "oSid", "5000/01", "r" },
        { "missing service_id column", "oMissing", null, "r" },
        { "null reason", "oNullReason", "500001", null },
        { "reason of 51 characters", "oReason", "500001", new string('因', 51) },
        { "reason with an emoji", "oEmoji", "500001", "再见👋" },
        { "reason with a line break", "oBreak", "500001", "a\r\nb" },
    };

    [Theory]
    [MemberData(nameof(HostileRows))]
    public void Hostile_input_gets_invalid_input_and_nothing_is_sent_for_it(string name, string? openId, string? serviceId, string? reason)
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("openid", openId));
        if (serviceId != null)
        {
            row.Properties.Add(new PSNoteProperty("service_id", serviceId));
        }

        row.Properties.Add(new PSNoteProperty("reason", reason));
        var parameters = Parameters(journal: false);
        parameters.Remove("Reason");

        HostedRun run = HostedRun.Invoke([row, HostedRun.Row("oFineAfter", "500001", reason: "服务调整")], parameters);

        Assert.Equal(ResultCodes.InvalidInput, run.Results[0].Code);
        Assert.False(run.Results[0].Success, name);
        Assert.Equal(0, run.Results[0].Attempts);
        Assert.StartsWith(ErrorIds.InvalidInput + ",", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.True(run.Results[1].Success, run.Results[1].Message);
        Assert.Equal(1, _sim.RequestCount); // only the fine row
        Assert.Empty(_sim.Rejected);
    }

    [Theory]
    [InlineData(FaultKind.OversizedBody, "cut off")]
    [InlineData(FaultKind.Redirect, "not followed")]
    [InlineData(FaultKind.GarbageBody, "HTTP 500")]
    public void Hostile_answers_are_reported_with_what_was_wrong(FaultKind fault, string words)
    {
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oHostile" });

        HostedRun run = HostedRun.Invoke([Row("oHostile")], Parameters(journal: false, maxRetries: 0));

        TerminateResult result = Assert.Single(run.Results);
        Assert.False(result.Success);
        Assert.Equal(ResultCodes.UnexpectedResponse, result.Code);
        Assert.Contains(words, result.Message);
    }

    [Fact]
    public void A_fault_matrix_over_ten_thousand_rows_ends_with_one_result_per_row_and_every_row_terminated_once()
    {
        const int Rows = 10_000;
        foreach (FaultKind kind in new[]
        {
            FaultKind.RateLimited, FaultKind.ServerError, FaultKind.ResetBeforeProcessing,
            FaultKind.ResetAfterProcessing, FaultKind.CorruptSignature, FaultKind.SignatureProbe,
        })
        {
            _sim.AddFault(new FaultRule { Kind = kind, Probability = 0.1, Target = FaultTarget.Terminate });
        }

        _sim.AddFault(new FaultRule { Kind = FaultKind.Latency, Probability = 0.02, DelayMs = 300 });
        var parameters = Parameters();
        parameters["ThrottleLimit"] = 32;
        // About 27 % of attempts meet a fault that is simply retried: with 21 attempts a row gives up with a chance
        // of about 1 in 10^12, so the test does not depend on luck.
        parameters["MaxRetries"] = 20;
        parameters["MaxRequestsPerSecond"] = 20_000.0;
        IEnumerable<PSObject> rows = Enumerable.Range(1, Rows).Select(i => Row($"oMatrix{i}"));

        HostedRun run = HostedRun.Invoke(rows, parameters);

        Assert.Equal(Enumerable.Range(1, Rows).Select(i => (long)i), run.Results.Select(r => r.RowNumber));
        var notDone = run.Results.Where(r => !r.Success).Select(r => $"{r.OpenId}: {r.Code} {r.Message}").Take(5).ToList();
        Assert.True(notDone.Count == 0, string.Join("\n", notDone));
        int[] processed = Enumerable.Range(1, Rows).Select(i => _sim.ProcessedTerminates($"oMatrix{i}", "500001")).ToArray();
        Assert.All(processed, n => Assert.Equal(1, n));
        var settled = run.Results.Where(r => r.Code == ResultCodes.SettledByQuery).ToList();
        int repeats = processed.Sum() - Rows;
        _output.WriteLine($"fault matrix: {Rows} rows, {settled.Count} settled by query, {run.Results.Count(r => r.Attempts > 1)} retried, {repeats} terminates for an already ended authorization");
        Assert.True(settled.Count > 500, $"about 30 % of the rows meet a fault that hides the outcome; {settled.Count} were settled by query");
        Assert.Equal(0, repeats);
        Assert.Equal(Rows, Results().Count);
    }
}
