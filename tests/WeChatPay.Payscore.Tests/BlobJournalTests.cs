using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Execution;
using Xunit;
using Xunit.Abstractions;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// -JournalPath given the URL of a blob with a SAS token, against Azurite: an append blob of JSON Lines that keeps
/// every promise of the journal file, and a SAS token that no stream, result or error shows.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class BlobJournalTests : ScratchTest, IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _storage;
    private readonly ITestOutputHelper _output;

    public BlobJournalTests(SimulatorFixture fixture, AzuriteFixture storage, ITestOutputHelper output)
        : base(fixture, "wxpay-blob-journal-")
    {
        _storage = storage;
        _output = output;
    }

    private Azurite Storage => _storage.Azurite;

    private Dictionary<string, object?> Parameters(string journal)
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRequestsPerSecond"] = 0.0;
        parameters["JournalPath"] = journal;
        return parameters;
    }

    private static PSObject[] Rows(string prefix, int count) => Enumerable.Range(1, count).Select(i => HostedRun.Row($"{prefix}{i}", "500001")).ToArray();

    private static List<JsonElement> Records(byte[] blob, bool skipTorn = false) =>
        Encoding.UTF8.GetString(blob).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !skipTorn || line.EndsWith('}'))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    /// <summary>Everything a run shows: results, every stream, and the errors as $Error would show them.</summary>
    private static string Shown(HostedRun run) =>
        string.Join("\n", run.Output.Select(o => string.Join(";", o.Properties.Select(p => p.Value?.ToString()))))
        + string.Join("\n", run.Verbose) + string.Join("\n", run.Debug) + string.Join("\n", run.Warnings) + string.Join("\n", run.Information)
        + string.Join("\n", run.Errors.Select(e => $"{e} {e.Exception} {e.TargetObject} {e.CategoryInfo} {e.ErrorDetails}"));

    [AzuriteFact]
    public void A_blob_journal_is_an_append_blob_of_json_lines_and_a_run_in_another_session_resumes_it()
    {
        string container = Storage.NewContainer();
        string journal = Storage.BlobAddress(container, "runs/run 1.jsonl");
        PSObject[] rows = Rows("oBlob", 40);
        var parameters = Parameters(journal);
        parameters["ThrottleLimit"] = 8;
        parameters["Verbose"] = true;

        HostedRun first = HostedRun.Invoke(rows.Take(25), parameters);

        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));
        var (type, blocks, lease) = Storage.Properties(container, "runs/run 1.jsonl");
        Assert.Equal("AppendBlob", type);
        Assert.True(lease == "available", $"lease {lease}, {blocks} blocks: released when the run ended");
        List<JsonElement> records = Records(Storage.Content(container, "runs/run 1.jsonl"));
        Assert.Equal(25, records.Count(r => r.GetProperty("event").GetString() == "sending"));
        Assert.Equal(25, records.Count(r => r.GetProperty("event").GetString() == "result"));
        Assert.InRange(blocks, 1, records.Count); // whole records per block; results that finish together share one
        _output.WriteLine($"{records.Count} records in {blocks} blocks");
        Assert.Contains(first.Verbose, v => v.StartsWith("Journal http://127.0.0.1:", StringComparison.Ordinal) && v.EndsWith("/runs/run 1.jsonl: new.", StringComparison.Ordinal));

        HostedRun again = HostedRun.Invoke(rows, Parameters(journal));

        Assert.Equal(40, again.Results.Count);
        Assert.Equal(25, again.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.All(rows, row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
        Assert.DoesNotContain(Azurite.Signature(journal), Shown(first) + Shown(again));
    }

    [AzuriteFact]
    public void A_second_run_on_a_held_blob_is_kept_out_with_nothing_sent()
    {
        string container = Storage.NewContainer();
        string journal = Storage.BlobAddress(container, "held.jsonl");
        using (BlobJournalStore.Open(journal, JournalAccess.Run))
        {
            var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oHeld", 3), Parameters(journal)));

            Assert.StartsWith(ErrorIds.JournalUnavailable + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("in use by another run", ex.Message);
            Assert.Equal(0, Sim.RequestCount);
            Assert.DoesNotContain(Azurite.Signature(journal), $"{ex} {ex.ErrorRecord} {ex.ErrorRecord.TargetObject}");
        }

        HostedRun after = HostedRun.Invoke(Rows("oHeld", 3), Parameters(journal));
        Assert.All(after.Results, r => Assert.Equal(ResultCodes.Ok, r.Code));
    }

    /// <summary>A new blob journal in a new container, with the first <paramref name="rows"/> rows ended through it.</summary>
    private (string Container, string Journal) JournalOf(string prefix, int rows, string blob)
    {
        string container = Storage.NewContainer();
        string journal = Storage.BlobAddress(container, blob);
        HostedRun first = HostedRun.Invoke(Rows(prefix, rows), Parameters(journal));
        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));
        return (container, journal);
    }

    [AzuriteFact]
    public void The_lease_of_a_run_that_died_runs_out_and_the_next_run_resumes_with_nothing_sent_twice()
    {
        (string container, string journal) = JournalOf("oDied", 4, "died.jsonl");
        Storage.AbandonLease(container, "died.jsonl", seconds: 15);

        var refused = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oDied", 6), Parameters(journal)));
        Assert.StartsWith(ErrorIds.JournalUnavailable + ",", refused.ErrorRecord.FullyQualifiedErrorId);

        HostedRun? resumed = null;
        for (int i = 0; i < 40 && resumed == null; i++)
        {
            Thread.Sleep(1000);
            try
            {
                resumed = HostedRun.Invoke(Rows("oDied", 6), Parameters(journal));
            }
            catch (RuntimeException ex) when (ex.ErrorRecord.FullyQualifiedErrorId.StartsWith(ErrorIds.JournalUnavailable, StringComparison.Ordinal))
            {
            }
        }

        Assert.NotNull(resumed);
        Assert.Equal(4, resumed.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.All(Rows("oDied", 6), row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
    }

    [AzuriteFact]
    public void A_torn_last_record_is_dropped_and_the_blob_reads_as_a_journal_ever_after()
    {
        (string container, string journal) = JournalOf("oTorn", 2, "torn.jsonl");
        byte[] whole = Storage.Content(container, "torn.jsonl");
        byte[] torn = Encoding.UTF8.GetBytes("{\"event\":\"result\",\"row\":3,\"rou");
        Storage.PutAppendBlob(container, "torn.jsonl", [.. whole, .. torn]);

        var parameters = Parameters(journal);
        parameters["Verbose"] = true;
        HostedRun second = HostedRun.Invoke(Rows("oTorn", 3), parameters);
        HostedRun third = HostedRun.Invoke(Rows("oTorn", 4), Parameters(journal));

        Assert.Contains(second.Verbose, v => v.Contains($"a torn last line of {torn.Length} bytes", StringComparison.Ordinal));
        Assert.Equal(2, second.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.Equal(3, third.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.All(Rows("oTorn", 4), row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
        Assert.StartsWith(Encoding.UTF8.GetString([.. whole, .. torn]) + "\n{\"event\":\"torn\",", Encoding.UTF8.GetString(Storage.Content(container, "torn.jsonl")));
    }

    [AzuriteFact]
    public void A_blob_the_module_did_not_write_is_refused_and_left_as_it_was()
    {
        string container = Storage.NewContainer();
        byte[] csv = Encoding.UTF8.GetBytes("openid,service_id\noX,500001\n");
        Storage.PutBlockBlob(container, "users.csv", csv);
        Storage.PutAppendBlob(container, "log.txt", Encoding.UTF8.GetBytes("2024-05-01 job started\n"));

        foreach (string blob in new[] { "users.csv", "log.txt" })
        {
            string journal = Storage.BlobAddress(container, blob);
            byte[] before = Storage.Content(container, blob);
            var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oForeign", 1), Parameters(journal)));

            Assert.StartsWith(ErrorIds.JournalInvalid + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains($"/{blob}' is not a journal", ex.Message);
            Assert.Equal(before, Storage.Content(container, blob));
            Assert.Equal("available", Storage.Properties(container, blob).LeaseState);
            Assert.DoesNotContain(Azurite.Signature(journal), $"{ex} {ex.ErrorRecord} {ex.ErrorRecord.TargetObject}");
        }

        Assert.Equal(0, Sim.RequestCount);
    }

    [AzuriteFact]
    public void A_sas_token_without_the_permissions_or_an_address_without_one_stops_before_anything_is_sent_and_is_not_shown()
    {
        string container = Storage.NewContainer();
        string readOnly = Storage.BlobAddress(container, "ro.jsonl", permissions: "r");
        string noSas = readOnly.Split('?')[0] + "?sv=2021-08-06&token=" + Azurite.Signature(readOnly);
        string plainHttp = readOnly.Replace("http://127.0.0.1", "http://storage.example.com", StringComparison.Ordinal);

        foreach (var (journal, id) in new[] { (readOnly, ErrorIds.JournalUnavailable), (noSas, ErrorIds.JournalInvalid), (plainHttp, ErrorIds.JournalInvalid) })
        {
            var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oSas", 1), Parameters(journal)));
            _output.WriteLine(ex.Message);
            Assert.StartsWith(id + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.DoesNotContain(Azurite.Signature(readOnly), $"{ex} {ex.ErrorRecord} {ex.ErrorRecord.TargetObject}");
        }

        Assert.Equal(0, Sim.RequestCount);
    }

    [AzuriteFact]
    public void Storage_that_goes_down_mid_run_stops_it_with_JournalWriteFailed_every_sent_row_settled_and_the_rerun_resumes()
    {
        using Azurite storage = Azurite.Start();
        string container = storage.NewContainer();
        string journal = storage.BlobAddress(container, "down.jsonl");
        PSObject[] rows = Rows("oDown", 400);
        var parameters = Parameters(journal);
        parameters["ThrottleLimit"] = 4;
        Sim.LatencyMs = 20;
        HostedRun run;
        using (var session = new HostedSession())
        {
            var stopper = Task.Run(() =>
            {
                SpinWait.SpinUntil(() => Sim.RequestCount >= 40, TimeSpan.FromSeconds(60));
                storage.Stop();
            });
            run = session.Run("Invoke-WxPayscoreTerminate", parameters, rows);
            stopper.Wait();
        }

        ErrorRecord stop = run.Errors[^1];
        Assert.StartsWith(ErrorIds.JournalWriteFailed + ",", stop.FullyQualifiedErrorId);
        Assert.Contains("could not be written", stop.Exception.Message);
        _output.WriteLine(stop.Exception.Message);
        HashSet<string?> sent = Sim.Terminates.Select(t => t.OpenId).ToHashSet();
        Assert.InRange(sent.Count, 1, rows.Length - 1);
        // Every row sent has its result; rows read ahead and not sent come out NOT_STARTED, and nothing was sent for them.
        Assert.Equal(sent, run.Results.Where(r => r.Code != ResultCodes.NotStarted).Select(r => r.OpenId).ToHashSet());
        Assert.All(run.Results.Where(r => r.Code != ResultCodes.NotStarted), r => Assert.True(r.Success, r.Message));
        Assert.All(run.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.DoesNotContain(r.OpenId, sent));
        Assert.All(run.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.Contains($"the run stopped ({ErrorIds.JournalWriteFailed})", r.Message));
        Assert.DoesNotContain(Azurite.Signature(journal), Shown(run));
    }
    /// <summary>Runs <paramref name="rows"/> with a journal whose blobs roll over after <paramref name="rolloverBlocks"/> blocks.</summary>
    private static HostedRun RunRolling(IEnumerable<PSObject> rows, Dictionary<string, object?> parameters, int rolloverBlocks)
    {
        parameters["RolloverBlocks"] = rolloverBlocks;
        using var session = new HostedSession(typeof(RollingBlobTerminateCommand));
        return session.Run("Invoke-WxPayscoreTerminate", parameters, rows);
    }

    /// <summary>The blobs of the journal's chain that exist: the first, then name.1, name.2, ... until one is missing.</summary>
    private List<string> Chain(string container, string blob)
    {
        var chain = new List<string> { blob };
        while (Storage.Exists(container, $"{blob}.{chain.Count}"))
        {
            chain.Add($"{blob}.{chain.Count}");
        }

        return chain;
    }

    /// <summary>The records of every blob of the chain, in order; a torn line (no closing brace) is left out.</summary>
    private List<JsonElement> ChainRecords(string container, string blob) =>
        Records(Chain(container, blob).SelectMany(part => Storage.Content(container, part)).ToArray(), skipTorn: true);

    [AzuriteFact]
    public void A_journal_that_fills_its_blob_goes_on_in_next_blobs_and_a_run_in_another_session_reads_the_whole_chain()
    {
        string container = Storage.NewContainer();
        string journal = Storage.ContainerSasAddress(container, "runs/big.jsonl");
        PSObject[] rows = Rows("oRoll", 40);
        var parameters = Parameters(journal);
        parameters["ThrottleLimit"] = 4;

        HostedRun first = RunRolling(rows.Take(30), parameters, rolloverBlocks: 5);

        Assert.Empty(first.Errors);
        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));
        List<string> chain = Chain(container, "runs/big.jsonl");
        _output.WriteLine($"{chain.Count} blobs: {string.Join(", ", chain.Select(b => $"{b} {Storage.Properties(container, b).Blocks} blocks"))}");
        Assert.True(chain.Count >= 6, $"{chain.Count} blobs"); // 30 "sending" records alone are 30 blocks
        Assert.Equal(chain.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Storage.Metadata(container, "runs/big.jsonl", "journalblobs"));
        Assert.All(chain, b => Assert.Equal("AppendBlob", Storage.Properties(container, b).Type));
        Assert.Equal("available", Storage.Properties(container, "runs/big.jsonl").LeaseState); // the run's lock, released
        Assert.All(chain, b => Assert.InRange(Storage.Properties(container, b).Blocks, 1, 5));
        List<JsonElement> records = ChainRecords(container, "runs/big.jsonl");
        Assert.Equal(30, records.Count(r => r.GetProperty("event").GetString() == "sending"));
        Assert.Equal(30, records.Count(r => r.GetProperty("event").GetString() == "result"));

        var resume = Parameters(journal);
        resume["Verbose"] = true;
        HostedRun again = HostedRun.Invoke(rows, resume);

        Assert.Contains(again.Verbose, v => v.Contains($"resuming from {records.Count} records", StringComparison.Ordinal));
        Assert.Equal(30, again.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.Equal(10, again.Results.Count(r => r.Code == ResultCodes.Ok));
        Assert.All(rows, row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
        Assert.Equal(chain, Chain(container, "runs/big.jsonl")); // the last blob had room: no new one
        Assert.Equal(40, ChainRecords(container, "runs/big.jsonl").Count(r => r.GetProperty("event").GetString() == "result"));
        Assert.DoesNotContain(Azurite.Signature(journal), Shown(first) + Shown(again));
    }

    [AzuriteFact]
    public void A_run_writes_the_records_of_many_rows_in_each_block_and_sends_no_row_before_its_record_is_stored()
    {
        string container = Storage.NewContainer();
        string journal = Storage.BlobAddress(container, "grouped.jsonl");
        PSObject[] rows = Rows("oGroup", 1000);

        HostedRun run = HostedRun.Invoke(rows, Parameters(journal));

        Assert.Empty(run.Errors);
        Assert.Equal(1000, run.Results.Count(r => r.Success));
        int blocks = Storage.Properties(container, "grouped.jsonl").Blocks;
        List<JsonElement> records = Records(Storage.Content(container, "grouped.jsonl"));
        _output.WriteLine($"1,000 rows: {records.Count} records in {blocks} blocks");
        Assert.Equal(2000, records.Count);
        // A block per record would be 2,000 blocks; a million-row run must stay far within an append blob's 50,000.
        Assert.True(blocks * 5 <= rows.Length, $"{blocks} blocks for {rows.Length} rows: fewer than 5 rows per block");

        // Each row's "sending" record comes before its result in the blob, and the simulator saw each row once.
        var firstSeen = new Dictionary<string, string>();
        foreach (JsonElement record in records)
        {
            firstSeen.TryAdd(record.GetProperty("openid").GetString()!, record.GetProperty("event").GetString()!);
        }

        Assert.All(firstSeen.Values, e => Assert.Equal("sending", e));
        Assert.All(rows, row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
    }

    [AzuriteFact]
    public void A_sas_for_one_blob_cannot_roll_over_and_says_a_container_sas_is_needed_and_is_refused_on_a_chain()
    {
        string container = Storage.NewContainer();
        string blobSas = Storage.BlobAddress(container, "one.jsonl");
        PSObject[] rows = Rows("oOne", 20);
        var parameters = Parameters(blobSas);
        parameters["ThrottleLimit"] = 1;

        HostedRun run = RunRolling(rows, parameters, rolloverBlocks: 4);

        ErrorRecord stop = run.Errors[^1];
        _output.WriteLine(stop.Exception.Message);
        Assert.StartsWith(ErrorIds.JournalWriteFailed + ",", stop.FullyQualifiedErrorId);
        Assert.Contains("a SAS for one blob (sr=b) cannot create its next blob .1", stop.Exception.Message);
        Assert.Contains("container SAS (sr=c)", stop.Exception.Message);
        Assert.False(Storage.Exists(container, "one.jsonl.1"));
        HashSet<string?> sent = Sim.Terminates.Select(t => t.OpenId).ToHashSet();
        Assert.InRange(sent.Count, 1, rows.Length - 1);
        Assert.Equal(sent, run.Results.Where(r => r.Code != ResultCodes.NotStarted).Select(r => r.OpenId).ToHashSet());
        Assert.All(run.Results.Where(r => r.Code == ResultCodes.NotStarted), r => Assert.DoesNotContain(r.OpenId, sent));
        Assert.DoesNotContain(Azurite.Signature(blobSas), Shown(run));

        string chained = Storage.NewContainer();
        HostedRun rolled = RunRolling(Rows("oChained", 6), Parameters(Storage.ContainerSasAddress(chained, "c.jsonl")), rolloverBlocks: 4);
        Assert.All(rolled.Results, r => Assert.True(r.Success, r.Message));
        int before = Sim.RequestCount;
        string firstOnly = Storage.BlobAddress(chained, "c.jsonl");
        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oChained", 8), Parameters(firstOnly)));

        _output.WriteLine(ex.Message);
        Assert.StartsWith(ErrorIds.JournalUnavailable + ",", ex.ErrorRecord.FullyQualifiedErrorId);
        Assert.Contains("goes on in the blob", ex.Message);
        Assert.Contains("container SAS (sr=c)", ex.Message);
        Assert.Equal(before, Sim.RequestCount);
        Assert.Equal("available", Storage.Properties(chained, "c.jsonl").LeaseState);
        Assert.DoesNotContain(Azurite.Signature(firstOnly), $"{ex} {ex.ErrorRecord} {ex.ErrorRecord.TargetObject}");
    }

    [AzuriteFact]
    public void A_killed_runs_chain_with_a_row_in_flight_a_torn_tail_and_an_empty_next_blob_resumes_with_nothing_sent_twice()
    {
        string container = Storage.NewContainer();
        string journal = Storage.ContainerSasAddress(container, "killed.jsonl");
        PSObject[] rows = Rows("oKilled", 16);
        HostedRun first = RunRolling(rows.Take(12), Parameters(journal), rolloverBlocks: 4);
        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));
        List<string> chain = Chain(container, "killed.jsonl");
        Assert.True(chain.Count > 2, $"{chain.Count} blobs");

        // What a run that was killed leaves: row 13 sent (WeChat Pay ended it) with its "sending" record and no
        // result, a torn record after it, and the next blob created but not yet counted in the chain.
        HostedRun elsewhere = HostedRun.Invoke(rows.Skip(12).Take(1), Parameters(Path.Combine(Dir, "elsewhere.jsonl")));
        Assert.Equal(ResultCodes.Ok, elsewhere.Results.Single().Code);
        string sending = Encoding.UTF8.GetString(Storage.Content(container, chain[0])).Split('\n').First(l => l.Contains("\"openid\":\"oKilled1\"", StringComparison.Ordinal));
        sending = sending.Replace("\"openid\":\"oKilled1\"", "\"openid\":\"oKilled13\"", StringComparison.Ordinal).Replace("\"row\":1,", "\"row\":13,", StringComparison.Ordinal);
        byte[] torn = Encoding.UTF8.GetBytes("{\"event\":\"result\",\"row\":13,\"rou");
        Storage.AppendBlock(container, chain[^1], Encoding.UTF8.GetBytes(sending + "\n"));
        Storage.AppendBlock(container, chain[^1], torn);
        Storage.PutAppendBlob(container, $"killed.jsonl.{chain.Count}", []);

        var parameters = Parameters(journal);
        parameters["Verbose"] = true;
        HostedRun resumed = RunRolling(rows, parameters, rolloverBlocks: 4);

        Assert.Contains(resumed.Verbose, v => v.Contains($"a torn last line of {torn.Length} bytes", StringComparison.Ordinal));
        Assert.Equal(12, resumed.Results.Count(r => r.Code == ResultCodes.AlreadyDone));
        Assert.Equal(ResultCodes.SettledByQuery, resumed.Results.Single(r => r.OpenId == "oKilled13").Code);
        Assert.Equal(3, resumed.Results.Count(r => r.Code == ResultCodes.Ok));
        Assert.All(rows, row => Assert.Equal(1, Sim.ProcessedTerminates((string)row.Properties["openid"].Value, "500001")));
        List<string> after = Chain(container, "killed.jsonl");
        Assert.True(after.Count > chain.Count, $"{after.Count} blobs: the empty next blob was taken, and more");
        Assert.Equal(after.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Storage.Metadata(container, "killed.jsonl", "journalblobs"));
        Assert.Equal(16, ChainRecords(container, "killed.jsonl").Count(r => r.GetProperty("event").GetString() == "result" && r.GetProperty("success").GetBoolean()));
    }

    [AzuriteFact]
    public void A_blob_in_the_chain_the_module_did_not_write_is_refused_and_left_as_it_was()
    {
        string container = Storage.NewContainer();
        string journal = Storage.ContainerSasAddress(container, "chain.jsonl");
        HostedRun first = RunRolling(Rows("oChain", 6), Parameters(journal), rolloverBlocks: 3);
        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));
        int before = Sim.RequestCount;

        foreach (bool appendBlob in new[] { true, false })
        {
            byte[] foreign = Encoding.UTF8.GetBytes("2024-05-01 job started\n");
            if (appendBlob)
            {
                Storage.PutAppendBlob(container, "chain.jsonl.1", foreign);
            }
            else
            {
                Storage.PutBlockBlob(container, "chain.jsonl.1", foreign);
            }

            var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(Rows("oChain", 8), Parameters(journal)));

            _output.WriteLine(ex.Message);
            Assert.StartsWith(ErrorIds.JournalInvalid + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("is not a journal", ex.Message);
            Assert.Equal(foreign, Storage.Content(container, "chain.jsonl.1"));
            Assert.Equal("available", Storage.Properties(container, "chain.jsonl").LeaseState);
        }

        Assert.Equal(before, Sim.RequestCount);
    }

    /// <summary>
    /// How many blocks and blobs a run of many rows makes, and its time (set WXPAY_MEASURE_ROWS, e.g. 100000; a
    /// measurement, not run by default).
    /// </summary>
    [AzuriteFact]
    public void Measure_the_blocks_and_blobs_of_a_large_run()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("WXPAY_MEASURE_ROWS"), out int count))
        {
            return;
        }

        string container = Storage.NewContainer();
        string journal = Storage.ContainerSasAddress(container, "large.jsonl");
        var parameters = Parameters(journal);
        parameters["ThrottleLimit"] = 8;
        int rolloverBlocks = int.TryParse(Environment.GetEnvironmentVariable("WXPAY_MEASURE_ROLLOVER"), out int r) ? r : BlobJournalStore.RolloverBlocks;
        parameters["ReadAheadRows"] = GroupCommitQueue<FinishedRow>.DefaultReadAhead;
        var clock = Stopwatch.StartNew();
        HostedRun run = RunRolling(Rows("oLarge", count), parameters, rolloverBlocks);
        clock.Stop();

        Assert.Empty(run.Errors);
        Assert.Equal(count, run.Results.Count(x => x.Success));
        List<string> chain = Chain(container, "large.jsonl");
        int blocks = chain.Sum(b => Storage.Properties(container, b).Blocks);
        _output.WriteLine($"{count:N0} rows in {clock.Elapsed.TotalSeconds:N0} s: {blocks:N0} blocks in {chain.Count} blobs (rollover at {rolloverBlocks:N0} blocks)");
    }
}

/// <summary>Invoke-WxPayscoreTerminate whose blob journal goes on in a next blob after -RolloverBlocks blocks.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "WxPayscoreTerminate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "OpenId")]
public sealed class RollingBlobTerminateCommand : InvokeWxPayscoreTerminateCommand
{
    [Parameter]
    public int RolloverBlocks { get; set; } = BlobJournalStore.RolloverBlocks;

    /// <summary>Rows read ahead; one by default: about a block per record, so that a few rows fill a blob.</summary>
    [Parameter]
    public int ReadAheadRows { get; set; } = 1;

    internal override int ReadAhead => ReadAheadRows;

    internal override IJournalStore OpenJournalStore(string path, bool readOnly) => BlobJournalStore.Open(path, JournalAccess.OfRun(readOnly), rolloverBlocks: RolloverBlocks);
}
