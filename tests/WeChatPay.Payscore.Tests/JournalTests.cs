using System.Security.Cryptography;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>The journal file and the compact key table, on their own.</summary>
public sealed class JournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wxpay-journal-unit-").FullName;
    private readonly SHA256 _sha = SHA256.Create();

    public void Dispose()
    {
        _sha.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private RowKey Key(string openId, string serviceId = "500001") => Key(RowFields.ForOpenId(openId, serviceId, "wxd678efh567hg6787"));

    private RowKey Key(RowFields fields)
    {
        Assert.True(AuthorizationTarget.TryCreate(fields, out AuthorizationTarget? target, out var problems), string.Join("; ", problems));
        return RowKey.Of(target!, _sha);
    }

    private static TerminateRequest Request(string openId)
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, openId, "500001", "wxd678efh567hg6787", "r", out TerminateRequest? request, out _));
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
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.OpenIdPermission, "oA", "1", "wx9", "r", out TerminateRequest? viaOtherRoute, out _));
        Assert.Equal(keys[0], RowKey.Of(viaOtherRoute!.Target, _sha));
    }

    [Fact]
    public void A_reopened_journal_knows_what_each_row_came_to()
    {
        string path = PathOf("j.jsonl");
        using (RunJournal journal = RunJournal.Open(path))
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

        using RunJournal reopened = RunJournal.Open(path);

        Assert.Equal(7, reopened.PreviousRecords);
        Assert.Equal(JournalEntry.Done, reopened.Previous(Key("oDone")));
        Assert.Equal(JournalEntry.Failed, reopened.Previous(Key("oRefused")));
        Assert.Equal(JournalEntry.Unknown, reopened.Previous(Key("oLost")));
        Assert.Equal(JournalEntry.Sending, reopened.Previous(Key("oInFlight")));
        Assert.Equal(JournalEntry.None, reopened.Previous(Key("oNever")));
    }

    [Fact]
    public void A_torn_last_line_is_dropped_and_the_next_record_starts_on_a_line_of_its_own()
    {
        string path = PathOf("torn.jsonl");
        using (RunJournal journal = RunJournal.Open(path))
        {
            journal.RecordResult(Result(1, "oWhole", true, ResultCodes.Ok));
        }

        File.AppendAllText(path, "{\"event\":\"result\",\"row\":2,\"openid\":\"oTo");

        using (RunJournal journal = RunJournal.Open(path))
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

        var ex = Assert.Throws<PayscoreConfigurationException>(() => RunJournal.Open(path));

        Assert.Equal(ErrorIds.JournalInvalid, ex.ErrorId);
        Assert.Equal("openid,service_id\noA,1\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_read_only_journal_writes_nothing_and_creates_nothing()
    {
        string path = PathOf("absent.jsonl");

        using (RunJournal journal = RunJournal.Open(path, readOnly: true))
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
        using (RunJournal earlier = RunJournal.Open(path))
        {
            earlier.RecordSending(1, Request("oEnded"));
            earlier.RecordResult(Result(1, "oEnded", true, ResultCodes.Ok));
            earlier.RecordSending(2, Request("oInFlight"));
        }

        using var ledger = new RowLedger(RunJournal.Open(path));

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
        Assert.Equal(Enum.Parse<JournalEntry>(entry), RunJournal.Classify(success, code));
    }
}
