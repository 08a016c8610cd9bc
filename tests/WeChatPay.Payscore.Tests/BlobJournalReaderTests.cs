using System.Management.Automation;
using System.Text;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Reading a journal in a blob for Get-WxPayscoreJournal, against Azurite: with a read-only SAS, beside a run that holds it.</summary>
public sealed class BlobJournalReaderTests(AzuriteFixture storage) : IClassFixture<AzuriteFixture>
{
    private Azurite Storage => storage.Azurite;

    private static RowFields User(string openId) => RowFields.ForOpenId(openId, "500001", "wxd678efh567hg6787");

    private static TerminateRequest Request(string openId)
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, User(openId), "r", out TerminateRequest? request, out _));
        return request!;
    }

    private static TerminateResult Done(long row, string openId)
    {
        var result = new TerminateResult { RowNumber = row, Route = TerminateRoute.UserPermission, Success = true, Code = ResultCodes.Ok, Message = "已解除", CompletedAt = DateTimeOffset.UtcNow };
        result.Identify(User(openId));
        return result;
    }

    private static (List<JournalRow> Rows, JournalReading Reading) Read(string address)
    {
        var rows = new List<JournalRow>();
        JournalReading reading = JournalReader.Of(address).Read(null, rows.Add);
        return (rows, reading);
    }

    [AzuriteFact]
    public void A_blob_a_run_holds_and_appends_to_is_read_with_a_read_only_SAS_and_the_run_goes_on()
    {
        string container = Storage.NewContainer();
        using (RunJournal run = RunJournal.Open(BlobJournalStore.Open(Storage.BlobAddress(container, "run.jsonl"), JournalAccess.Run)))
        {
            run.RecordSending(1, Request("oEnded"));
            run.RecordResult(Done(1, "oEnded"));
            run.RecordSending(2, Request("oInFlight"));
            run.Commit();

            var (rows, reading) = Read(Storage.BlobAddress(container, "run.jsonl", "r"));

            Assert.Equal([("oEnded", JournalRowState.Done), ("oInFlight", JournalRowState.Sending)], rows.Select(r => (r.OpenId!, r.State)));
            Assert.Equal("已解除", rows[0].Message);
            Assert.Equal(3, reading.Records);
            Assert.Equal("leased", Storage.Properties(container, "run.jsonl").LeaseState);
            run.RecordResult(Done(2, "oInFlight"));
            run.Commit();
            Assert.Null(run.Failure);
        }

        // A run killed while appending leaves a torn record: left out, and the blob left as it was.
        byte[] torn = Encoding.UTF8.GetBytes("{\"event\":\"sending\",\"row\":3,\"route\":\"UserPerm");
        Storage.AppendBlock(container, "run.jsonl", torn);
        byte[] before = Storage.Content(container, "run.jsonl");

        var (after, afterReading) = Read(Storage.BlobAddress(container, "run.jsonl", "r"));

        Assert.Equal([("oEnded", JournalRowState.Done), ("oInFlight", JournalRowState.Done)], after.Select(r => (r.OpenId!, r.State)));
        Assert.Equal(torn.Length, afterReading.TornBytes);
        Assert.Equal(before, Storage.Content(container, "run.jsonl"));
    }

    [AzuriteFact]
    public void A_journal_of_several_blobs_is_read_as_one()
    {
        string container = Storage.NewContainer();
        using (RunJournal run = RunJournal.Open(BlobJournalStore.Open(Storage.ContainerSasAddress(container, "chain.jsonl"), JournalAccess.Run, rolloverBlocks: 3)))
        {
            for (int i = 1; i <= 6; i++)
            {
                run.RecordSending(i, Request($"o{i}"));
                run.Commit();
                run.RecordResult(Done(i, $"o{i}"));
                run.Commit();
            }
        }

        Assert.True(Storage.Exists(container, "chain.jsonl.3"), "the journal went on in a fourth blob");

        var (rows, _) = Read(Storage.ContainerSasAddress(container, "chain.jsonl", "r"));

        Assert.Equal(Enumerable.Range(1, 6).Select(i => ($"o{i}", JournalRowState.Done)), rows.Select(r => (r.OpenId!, r.State)));
    }

    [AzuriteFact]
    public void Get_WxPayscoreJournal_reads_a_blob_by_its_URL_and_shows_its_SAS_token_nowhere()
    {
        string container = Storage.NewContainer();
        using (RunJournal run = RunJournal.Open(BlobJournalStore.Open(Storage.BlobAddress(container, "run.jsonl"), JournalAccess.Run)))
        {
            run.RecordSending(1, Request("oBlob"));
        }

        string address = Storage.BlobAddress(container, "run.jsonl", "r");
        string missing = Storage.BlobAddress(container, "missing.jsonl", "r");
        using var session = new HostedSession();
        HostedRun read = session.Run("Get-WxPayscoreJournal", new Dictionary<string, object?> { ["Path"] = address, ["State"] = new[] { JournalRowState.Sending }, ["Verbose"] = true });
        HostedRun refused = session.Run("Get-WxPayscoreJournal", new Dictionary<string, object?> { ["Path"] = missing });

        Assert.Equal("oBlob", ((JournalRow)Assert.Single(read.Output).BaseObject).OpenId);
        Assert.StartsWith($"Journal {address.Split('?')[0]}: 1 records of 1 authorizations, 1 shown.", Assert.Single(read.Verbose));
        ErrorRecord error = Assert.Single(refused.Errors);
        Assert.Equal(ErrorIds.JournalNotFound, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Null(error.TargetObject);
        string shown = string.Join("\n", read.Verbose) + error + error.Exception + error.CategoryInfo;
        Assert.DoesNotContain(Azurite.Signature(address), shown);
        Assert.DoesNotContain(Azurite.Signature(missing), shown);
    }

    [AzuriteFact]
    public void A_blob_that_is_not_a_journal_or_is_missing_is_refused_without_its_SAS_token_in_the_message()
    {
        string container = Storage.NewContainer();
        Storage.PutBlockBlob(container, "users.csv", "openid,service_id\noA,500001\n"u8.ToArray());
        Storage.PutAppendBlob(container, "notes.txt", "Notes for Monday\n"u8.ToArray());
        string blockBlob = Storage.BlobAddress(container, "users.csv", "r");
        string notes = Storage.BlobAddress(container, "notes.txt", "r");
        string missing = Storage.BlobAddress(container, "none.jsonl", "r");
        string noContainer = Storage.BlobAddress("nosuchcontainer", "run.jsonl", "r");

        var block = Assert.Throws<PayscoreException>(() => Read(blockBlob));
        var text = Assert.Throws<PayscoreException>(() => Read(notes));
        var none = Assert.Throws<PayscoreException>(() => Read(missing));
        var neither = Assert.Throws<PayscoreException>(() => Read(noContainer));
        var unsigned = Assert.Throws<PayscoreException>(() => Read(missing.Split('?')[0]));

        Assert.Equal(ErrorIds.JournalInvalid, block.ErrorId);
        Assert.Equal(block.ErrorId, Assert.Throws<PayscoreException>(() => BlobJournalStore.Open(Storage.BlobAddress(container, "users.csv"), JournalAccess.Run)).ErrorId);
        Assert.EndsWith("It was left as it was. Give -Path a journal blob that Invoke-WxPayscoreTerminate wrote.", block.Message);
        Assert.Equal(ErrorIds.JournalInvalid, text.ErrorId);
        Assert.Contains("is not a journal: ", text.Message);
        Assert.Equal((ErrorIds.JournalNotFound, ErrorIds.JournalNotFound), (none.ErrorId, neither.ErrorId));
        Assert.EndsWith("/none.jsonl' does not exist. Give -Path the -JournalPath of a run of Invoke-WxPayscoreTerminate: the blob's URL with a SAS token.", none.Message);
        Assert.Contains("/run.jsonl' does not exist, nor does its container.", neither.Message);
        Assert.Equal(ErrorIds.JournalInvalid, unsigned.ErrorId);
        Assert.Contains("has no SAS token (a query with sig=...): create one for the blob or its container with read permission.", unsigned.Message);
        Assert.False(Storage.Exists(container, "none.jsonl"));
        foreach ((PayscoreException error, string address) in new[] { (block, blockBlob), (text, notes), (none, missing), (neither, noContainer) })
        {
            Assert.DoesNotContain(Azurite.Signature(address), error.ToString());
            Assert.DoesNotContain("Nothing was sent", error.Message);
        }
    }
}
