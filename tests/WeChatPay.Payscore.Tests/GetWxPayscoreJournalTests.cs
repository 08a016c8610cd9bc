using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>Get-WxPayscoreJournal in a runspace: its rows pipe into the other cmdlets, and what it refuses it writes as errors.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class GetWxPayscoreJournalTests(SimulatorFixture fixture) : ScratchTest(fixture, "wxpay-get-journal-")
{
    private const string SubMerchantId = "1900000109";
    private readonly HostedSession _session = new();

    public override void Dispose()
    {
        _session.Dispose();
        base.Dispose();
    }

    private string PathOf(string name) => Path.Combine(Dir, name);

    private Dictionary<string, object?> Terminate(string journal)
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters["Reason"] = "服务调整";
        parameters["MaxRequestsPerSecond"] = 0.0;
        parameters["JournalPath"] = journal;
        return parameters;
    }

    private static PSObject Row(params (string Name, string Value)[] values)
    {
        var row = new PSObject();
        foreach ((string name, string value) in values)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }

    /// <summary>The line of a "sending" record, as a run writes it before a row's request leaves.</summary>
    private static string Sending(RowFields fields)
    {
        Assert.True(TerminateRequest.TryCreate(TerminateRoute.UserPermission, fields, "r", out TerminateRequest? request, out var problems), string.Join("; ", problems));
        using var format = new JournalFormat();
        format.AddSending(1, request!);
        return Encoding.UTF8.GetString(format.Pending);
    }

    private HostedRun Journal(object? path, params JournalRowState[] states)
    {
        var parameters = new Dictionary<string, object?> { ["Path"] = path };
        if (states.Length > 0)
        {
            parameters["State"] = states;
        }

        return _session.Run("Get-WxPayscoreJournal", parameters);
    }

    private static List<JournalRow> Rows(HostedRun run) => run.Output.Select(o => (JournalRow)o.BaseObject).ToList();

    private static string ErrorId(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void A_killed_run_s_unfinished_rows_pipe_into_Get_WxPayscorePermission_and_resume_with_Invoke_WxPayscoreTerminate()
    {
        string journal = PathOf("run.jsonl");
        HostedRun first = _session.Run("Invoke-WxPayscoreTerminate", Terminate(journal), [
            Row(("openid", "oFinished"), ("service_id", "500001"), ("appid", AppId)),
            Row(("authorization_code", "CODEFINISHED1"), ("service_id", "500001")),
        ]);
        Assert.All(first.Results, r => Assert.True(r.Success, r.Message));

        // What a run killed with requests in flight leaves: "sending" records and no final ones. WeChat Pay had
        // ended one of them (its answer was lost with the run).
        RowFields[] killed =
        [
            RowFields.ForOpenId("oKilled", "500001", AppId),
            RowFields.ForOpenId("oKilledEnded", "500001", AppId),
            new() { AuthorizationCode = "CODEKILLED1", ServiceId = "500001" },
            new() { SubMerchantId = SubMerchantId, OpenId = "oPartnerKilled", AppId = AppId, ServiceId = "500001" },
            new() { SubMerchantId = SubMerchantId, SubOpenId = "oSubKilled", SubAppId = "wx8888888888888888", AppId = AppId, ServiceId = "500001" },
        ];
        File.AppendAllText(journal, string.Concat(killed.Select(Sending)));
        Sim.SetAuthorizationState("oKilledEnded", "500001", "UNAVAILABLE");

        List<JournalRow> unfinished = Rows(Journal(journal, JournalRowState.Unknown, JournalRowState.Sending));
        Assert.Equal(["oKilled", "oKilledEnded", "CODEKILLED1", "oPartnerKilled", "oSubKilled"], unfinished.Select(r => r.Identity.Subject));

        var query = HostedRun.Credentials(Sim);
        query.Remove("Confirm");
        HostedRun asked = _session.Run("Get-WxPayscorePermission", query, unfinished);

        Assert.Empty(asked.Errors);
        Assert.Equal(unfinished.Select(r => r.Identity.Subject), asked.Permissions.Select(p => p.Subject));
        foreach ((JournalRow row, PayscorePermission permission) in unfinished.Zip(asked.Permissions))
        {
            Assert.All(RowFields.Identity, field => Assert.Equal(field.Get(row.Identity), field.Get(permission.Identity)));
        }

        Assert.Equal(["AVAILABLE", "UNAVAILABLE", "AVAILABLE", "AVAILABLE", "AVAILABLE"], asked.Permissions.Select(p => p.AuthorizationState));

        // Resumed in one pipeline with the same journal, which the run holds while it is read: each row is asked
        // about first, and the one WeChat Pay ended is not sent again.
        Collection<PSObject> resumed = _session.Objects(
            "$p = $args[1]; Get-WxPayscoreJournal $args[0] -State unknown, SENDING | Invoke-WxPayscoreTerminate @p", journal, new System.Collections.Hashtable(Terminate(journal)));

        var results = resumed.Select(o => (TerminateResult)o.BaseObject).OrderBy(r => r.RowNumber).ToList();
        Assert.Equal(unfinished.Select(r => r.Identity.Subject), results.Select(r => r.Subject));
        Assert.Equal([ResultCodes.Ok, ResultCodes.SettledByQuery, ResultCodes.Ok, ResultCodes.Ok, ResultCodes.Ok], results.Select(r => r.Code));
        Assert.Equal(0, Sim.ProcessedTerminates("oKilledEnded", "500001"));
        List<JournalRow> after = Rows(Journal(journal));
        Assert.Equal(7, after.Count);
        Assert.All(after, r => Assert.Equal(JournalRowState.Done, r.State));
    }

    [Fact]
    public void Its_rows_name_the_identity_fields_as_the_bulk_cmdlets_take_them_from_the_pipeline()
    {
        string[] identity = typeof(JournalRow).GetProperties().Select(p => p.Name).Where(n => RowFields.Identity.Any(f => f.PropertyName == n)).ToArray();
        Assert.Equal(RowFields.Identity.Select(f => f.PropertyName), identity);

        foreach (Type command in new[] { typeof(InvokeWxPayscoreTerminateCommand), typeof(GetWxPayscorePermissionCommand) })
        {
            var metadata = new CommandMetadata(command);
            foreach (IdentityField field in RowFields.Identity)
            {
                ParameterMetadata parameter = metadata.Parameters[field.PropertyName];
                Assert.All(parameter.ParameterSets.Values, set => Assert.True(set.ValueFromPipelineByPropertyName, $"{command.Name} -{field.PropertyName}"));
            }
        }

        Assert.Equal(
            ["OpenId", "ServiceId", "AppId", "AuthorizationCode", "SubMerchantId", "SubAppId", "SubOpenId", "State", "Code", "Message", "RequestId", "CompletedAt"],
            new PSObject(new JournalRow(new RowFields(), JournalRowState.Done)).Properties.Select(p => p.Name));
    }

    [Fact]
    public void A_relative_path_is_resolved_from_the_session_s_location_and_journals_come_from_the_pipeline()
    {
        File.WriteAllText(PathOf("a.jsonl"), Sending(RowFields.ForOpenId("oA", "500001", AppId)));
        File.WriteAllText(PathOf("b.jsonl"), Sending(RowFields.ForOpenId("oB", "500001", AppId)));

        Assert.Equal("oA", _session.Script("Set-Location -LiteralPath $args[0]; Get-WxPayscoreJournal a.jsonl | ForEach-Object OpenId", Dir));
        Assert.Equal("oA oB", _session.Script("(Get-ChildItem -LiteralPath $args[0] -Filter *.jsonl | Sort-Object Name | Get-WxPayscoreJournal).OpenId -join ' '", Dir));
        Assert.Equal("oB", _session.Script("[pscustomobject]@{ JournalPath = $args[0] } | Get-WxPayscoreJournal | ForEach-Object OpenId", PathOf("b.jsonl")));
    }

    [Fact]
    public void A_journal_that_is_refused_writes_an_error_and_the_next_one_is_read()
    {
        File.WriteAllText(PathOf("users.csv"), "openid,service_id\noA,500001\n");
        File.WriteAllText(PathOf("good.jsonl"), Sending(RowFields.ForOpenId("oGood", "500001", AppId)));
        PSObject[] journals = [Row(("Path", PathOf("users.csv"))), Row(("Path", PathOf("missing.jsonl"))), Row(("Path", Dir)), Row(("Path", PathOf("good.jsonl")))];

        HostedRun run = _session.Run("Get-WxPayscoreJournal", null, journals);

        Assert.Equal("oGood", Assert.Single(Rows(run)).OpenId);
        Assert.Equal([ErrorIds.JournalInvalid, ErrorIds.JournalNotFound, ErrorIds.JournalInvalid], run.Errors.Select(ErrorId));
        Assert.Equal([ErrorCategory.InvalidArgument, ErrorCategory.ObjectNotFound, ErrorCategory.InvalidArgument], run.Errors.Select(e => e.CategoryInfo.Category));
        Assert.Equal([PathOf("users.csv"), PathOf("missing.jsonl"), Dir], run.Errors.Select(e => e.TargetObject));
        Assert.StartsWith($"The file '{UserText.ExcerptPath(PathOf("users.csv"))}' is not a journal: line 1", run.Errors[0].Exception.Message);
        Assert.Equal("openid,service_id\noA,500001\n", File.ReadAllText(PathOf("users.csv")));
    }

    [Fact]
    public void Key_material_given_as_the_path_is_refused_and_shown_nowhere()
    {
        const string pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----";

        HostedRun run = Journal(pem);

        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal(ErrorIds.KeyMaterialGivenAsPath, ErrorId(error));
        Assert.Null(error.TargetObject);
        Assert.DoesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", error.ToString() + error.Exception);
        Assert.Contains("-Path takes the path of a run's journal file", error.Exception.Message);
    }

    [Fact]
    public void Verbose_counts_what_was_read_and_a_torn_last_line_and_the_table_shows_each_row_s_state()
    {
        string journal = PathOf("torn.jsonl");
        File.WriteAllText(journal, Sending(RowFields.ForOpenId("oSent", "500001", AppId)) + "{\"event\":\"result\",\"row\":1,\"rou");

        HostedRun run = _session.Run("Get-WxPayscoreJournal", new Dictionary<string, object?> { ["Path"] = journal, ["Verbose"] = true });
        string table = _session.Script("Get-WxPayscoreJournal $args[0] | Format-Table | Out-String -Width 160", journal);

        Assert.Equal(JournalRowState.Sending, Assert.Single(Rows(run)).State);
        Assert.Equal($"Journal {UserText.ExcerptPath(journal)}: 1 records of 1 authorizations, 1 shown; a last line of 30 bytes without its end (a run killed while writing it, or writing it now) was left out.", Assert.Single(run.Verbose));
        Assert.Contains("OpenId or code", table);
        Assert.Matches(@"oSent\s+500001\s+Sending\s+\(sent, no final record", table);
    }

    [Fact]
    public void A_state_that_is_not_one_is_refused_before_anything_is_read()
    {
        var ex = Assert.Throws<ParameterBindingException>(() => _session.Run("Get-WxPayscoreJournal", new Dictionary<string, object?> { ["Path"] = PathOf("none.jsonl"), ["State"] = "Pending" }, throwTerminatingError: true));

        Assert.Contains("Done", ex.Message);
    }
}
