using System.Management.Automation;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Rows that name the authorization by authorization code, and rows a service provider sends for a sub-merchant
/// (sub_mchid with openid, sub_openid or authorization_code), through both cmdlets against the simulator.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class RowKindTests : IDisposable
{
    private const string AppId = "wxd678efh567hg6787";
    private const string SubAppId = "wx8888888888888888";
    private const string SubMchId = "1900000109";
    private const string ServiceId = "500001";
    private static readonly string[] Columns = ["openid", "service_id", "appid", "authorization_code", "sub_mchid", "sub_appid", "sub_openid", "reason"];

    private readonly WechatpaySimulator _sim;
    private readonly HostedSession _session = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("wxps-kinds-").FullName;

    public RowKindTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>PowerShell's own CSV reader, for <see cref="CsvRow"/> (theory data is made outside any test).</summary>
    private static readonly Lazy<HostedSession> CsvReader = new(() => new HostedSession());

    /// <summary>
    /// A row as Import-Csv makes it from a file with every column (ConvertFrom-Csv reads it): the columns a row does
    /// not use are empty.
    /// </summary>
    private static PSObject CsvRow(
        string? openid = null, string? code = null, string? subMchId = null, string? subAppId = null, string? subOpenId = null, string? appid = null, string serviceId = ServiceId)
    {
        var values = new Dictionary<string, string?>
        {
            ["openid"] = openid,
            ["service_id"] = serviceId,
            ["appid"] = appid,
            ["authorization_code"] = code,
            ["sub_mchid"] = subMchId,
            ["sub_appid"] = subAppId,
            ["sub_openid"] = subOpenId,
            ["reason"] = null,
        };
        string text = string.Join(",", Columns) + "\r\n" +
            string.Join(",", Columns.Select(c => "\"" + (values[c] ?? string.Empty).Replace("\"", "\"\"") + "\""));
        lock (CsvReader)
        {
            return Assert.Single(CsvReader.Value.Objects("$args[0] | ConvertFrom-Csv", text));
        }
    }

    private Dictionary<string, object?> Terminate(bool journal = false)
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRequestsPerSecond"] = 0.0;
        if (journal)
        {
            parameters["JournalPath"] = Path.Combine(_dir, "journal.jsonl");
        }

        return parameters;
    }

    private Dictionary<string, object?> Query()
    {
        var parameters = HostedRun.Credentials(_sim);
        parameters.Remove("Confirm");
        parameters["AppId"] = AppId;
        parameters["MaxRequestsPerSecond"] = 0.0;
        return parameters;
    }

    [Fact]
    public void One_csv_mixes_openid_code_and_sub_merchant_rows_and_each_goes_to_its_own_endpoint()
    {
        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Terminate(),
        [
            CsvRow(openid: "oMerchant"),
            CsvRow(code: "AUTH_code-1*"),
            CsvRow(openid: "oPartner", subMchId: SubMchId),
            CsvRow(subOpenId: "oSubUser", subMchId: SubMchId, subAppId: SubAppId),
            CsvRow(code: "AUTH_code-1*", subMchId: SubMchId, subAppId: SubAppId),
        ]);

        Assert.Empty(run.Errors);
        Assert.All(run.Results, r => Assert.True(r.Success && r.Code == ResultCodes.Ok && r.StatusCode == 204, r.Message));
        Assert.Equal(
            [TerminateRoute.UserPermission, TerminateRoute.AuthorizationCode, TerminateRoute.Partner, TerminateRoute.Partner, TerminateRoute.PartnerAuthorizationCode],
            run.Results.Select(r => r.Route));

        TerminateResult code = run.Results[1];
        Assert.Equal(("AUTH_code-1*", null, null), (code.AuthorizationCode, code.OpenId, code.AppId));
        Assert.Equal((SubMchId, "oSubUser", SubAppId, AppId), (run.Results[3].SubMerchantId, run.Results[3].SubOpenId, run.Results[3].SubAppId, run.Results[3].AppId));

        RecordedTerminate byCode = Assert.Single(_sim.Terminates, t => t.Route == "AuthorizationCode");
        Assert.Equal(("AUTH_code-1*", ServiceId), (byCode.AuthorizationCode, byCode.ServiceId));
        RecordedTerminate[] partner = _sim.Terminates.Where(t => t.Route == "Partner").OrderBy(t => t.OpenId ?? t.SubOpenId).ToArray();
        Assert.Equal(2, partner.Length);
        Assert.Equal(("oPartner", null, SubMchId, AppId, null), (partner[0].OpenId, partner[0].SubOpenId, partner[0].SubMerchantId, partner[0].AppId, partner[0].SubAppId));
        Assert.Equal((null, "oSubUser", SubMchId, AppId, SubAppId), (partner[1].OpenId, partner[1].SubOpenId, partner[1].SubMerchantId, partner[1].AppId, partner[1].SubAppId));
        RecordedTerminate partnerCode = Assert.Single(_sim.Terminates, t => t.Route == "PartnerAuthorizationCode");
        Assert.Equal(("AUTH_code-1*", SubMchId, ServiceId, null, null, null), (partnerCode.AuthorizationCode, partnerCode.SubMerchantId, partnerCode.ServiceId, partnerCode.AppId, partnerCode.SubAppId, partnerCode.OpenId));
        TerminateResult partnerCodeResult = run.Results[4];
        Assert.Equal(("AUTH_code-1*", SubMchId, null, null), (partnerCodeResult.AuthorizationCode, partnerCodeResult.SubMerchantId, partnerCodeResult.AppId, partnerCodeResult.SubAppId));

        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("AUTH_code-1*", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "AUTH_code-1*", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchId, ServiceId, subOpenId: "oSubUser")));
        Assert.Equal(0, _sim.ProcessedTerminates("oPartner", ServiceId)); // the sub-merchant's user, not the merchant's
    }

    [Fact]
    public void The_command_line_takes_an_authorization_code_or_a_sub_merchant_without_a_pipeline()
    {
        var byCode = Terminate();
        byCode.Remove("AppId");
        byCode["AuthorizationCode"] = "CODE123";
        byCode["ServiceId"] = ServiceId;
        TerminateResult code = Assert.Single(_session.Run("Invoke-WxPayscoreTerminate", byCode).Results);

        var bySubOpenId = Terminate();
        bySubOpenId["SubMerchantId"] = SubMchId;
        bySubOpenId["SubAppId"] = SubAppId;
        bySubOpenId["SubOpenId"] = "oSub1";
        bySubOpenId["ServiceId"] = ServiceId;
        TerminateResult partner = Assert.Single(_session.Run("Invoke-WxPayscoreTerminate", bySubOpenId).Results);

        var bySubMerchantCode = Terminate();
        bySubMerchantCode.Remove("AppId");
        bySubMerchantCode["AuthorizationCode"] = "CODE123";
        bySubMerchantCode["SubMerchantId"] = SubMchId;
        bySubMerchantCode["ServiceId"] = ServiceId;
        HostedRun partnerCodeRun = _session.Run("Invoke-WxPayscoreTerminate", bySubMerchantCode);
        Assert.Empty(partnerCodeRun.Errors);
        TerminateResult partnerCode = Assert.Single(partnerCodeRun.Results);

        Assert.Equal((true, TerminateRoute.AuthorizationCode), (code.Success, code.Route));
        Assert.Equal((true, TerminateRoute.Partner, "oSub1"), (partner.Success, partner.Route, partner.SubOpenId));
        Assert.Equal((true, TerminateRoute.PartnerAuthorizationCode, SubMchId), (partnerCode.Success, partnerCode.Route, partnerCode.SubMerchantId));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "CODE123", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("CODE123", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchId, ServiceId, subOpenId: "oSub1")));
    }

    [Fact]
    public void SubMerchantId_on_the_command_line_makes_every_openid_row_a_sub_merchant_row()
    {
        var parameters = Terminate();
        parameters["SubMerchantId"] = SubMchId;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, [HostedRun.Row("oP1", ServiceId), HostedRun.Row("oP2", ServiceId), CsvRow(code: "SUBCODE1")]);

        Assert.All(run.Results, r => Assert.True(r.Success && r.SubMerchantId == SubMchId, r.Message));
        Assert.Equal([TerminateRoute.Partner, TerminateRoute.Partner, TerminateRoute.PartnerAuthorizationCode], run.Results.Select(r => r.Route));
        Assert.Equal(2, _sim.Terminates.Count(t => t.Route == "Partner" && t.SubMerchantId == SubMchId));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "SUBCODE1", ServiceId)));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("SUBCODE1", ServiceId)));
        Assert.Equal(0, _sim.ProcessedTerminates("oP1", ServiceId));
    }

    public static TheoryData<string, PSObject, string> BadRows => new()
    {
        { "code with a path separator", CsvRow(code: "AB/../C"), "authorization_code 'AB/../C' contains '/'" },
        { "code of 33 characters", CsvRow(code: new string('C', 33)), "authorization_code is 33 characters long (at most 32)" },
        { "code and openid", CsvRow(openid: "oBoth", code: "C1"), "both an authorization_code and an openid" },
        { "code, sub_mchid and openid", CsvRow(openid: "oBoth", code: "C1", subMchId: SubMchId), "both an authorization_code and an openid" },
        { "code, sub_mchid and sub_openid", CsvRow(subOpenId: "oBoth", code: "C1", subMchId: SubMchId, subAppId: SubAppId), "both an authorization_code and a sub_openid" },
        { "code with a sub_mchid of 33 characters", CsvRow(code: "C1", subMchId: new string('1', 33)), "sub_mchid is 33 characters long (at most 32)" },
        { "code without service_id", CsvRow(code: "C1", serviceId: ""), "service_id is missing" },
        { "sub_mchid with openid and sub_openid", CsvRow(openid: "o1", subOpenId: "o2", subMchId: SubMchId, subAppId: SubAppId), "both an openid and a sub_openid" },
        { "sub_mchid without a user", CsvRow(subMchId: SubMchId), "openid or sub_openid is missing" },
        { "sub_openid without sub_appid", CsvRow(subOpenId: "oS", subMchId: SubMchId), "sub_appid is missing" },
        { "sub_openid without sub_mchid", CsvRow(openid: "oM", subOpenId: "oS", subAppId: SubAppId), "no sub_mchid" },
        { "sub_mchid with a space", CsvRow(openid: "oM", subMchId: "1900 0001"), "sub_mchid '1900 0001' contains a space" },
        { "sub_appid with a dash", CsvRow(subOpenId: "oS", subMchId: SubMchId, subAppId: "wx-1"), "sub_appid 'wx-1' contains '-'" },
        { "sub_openid with CR LF", CsvRow(subOpenId: "oS\r\nX", subMchId: SubMchId, subAppId: SubAppId), "sub_openid 'oS<U+000D><U+000A>X' contains the control character U+000D" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void A_bad_row_of_any_kind_gets_invalid_input_is_never_sent_and_the_next_row_goes_on(string name, PSObject bad, string problem)
    {
        HostedRun terminate = _session.Run("Invoke-WxPayscoreTerminate", Terminate(), [bad, CsvRow(code: "GOOD1")]);
        HostedRun query = _session.Run("Get-WxPayscorePermission", Query(), [bad, CsvRow(code: "GOOD1")]);

        foreach (var (code, message, success) in new[]
        {
            (terminate.Results[0].Code, terminate.Results[0].Message, terminate.Results[1].Success),
            (query.Permissions[0].Code, query.Permissions[0].Message, query.Permissions[1].Success),
        })
        {
            Assert.True(code == ResultCodes.InvalidInput, name);
            Assert.Contains(problem, message);
            Assert.True(success, name);
        }

        Assert.All(terminate.Errors.Concat(query.Errors), e => Assert.StartsWith(ErrorIds.InvalidInput + ",", e.FullyQualifiedErrorId));
        Assert.Equal(2, _sim.RequestCount); // the good row's terminate and its query
    }

    [Fact]
    public void WhatIf_sends_nothing_for_code_and_sub_merchant_rows_and_still_reports_bad_ones()
    {
        var parameters = Terminate();
        parameters["WhatIf"] = true;

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters,
            [CsvRow(code: "CODE1"), CsvRow(openid: "oP", subMchId: SubMchId), CsvRow(subOpenId: "oS", subMchId: SubMchId), CsvRow(code: "CODE1", subMchId: SubMchId)]);

        TerminateResult bad = Assert.Single(run.Results);
        Assert.Equal((3L, ResultCodes.InvalidInput), (bad.RowNumber, bad.Code));
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void A_lost_answer_for_a_code_or_sub_merchant_row_is_settled_by_the_matching_query()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = "LOSTCODE", Count = 1, Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = FaultKind.SignatureProbe, OpenId = "oLostSub", Count = 1, Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = "LOSTSUBCODE", Count = 1, Target = FaultTarget.Terminate });

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", Terminate(),
            [CsvRow(code: "LOSTCODE"), CsvRow(subOpenId: "oLostSub", subMchId: SubMchId, subAppId: SubAppId), CsvRow(code: "LOSTSUBCODE", subMchId: SubMchId)]);

        Assert.All(run.Results, r => Assert.True(r.Success && r.Code == ResultCodes.SettledByQuery, r.Message));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("LOSTCODE", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchId, ServiceId, subOpenId: "oLostSub")));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "LOSTSUBCODE", ServiceId)));
    }

    [Fact]
    public void A_timed_out_sub_merchant_code_row_is_asked_about_by_its_code_and_sent_again_only_while_it_stands()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.Hang, OpenId = "SLOWCODE", Count = 1, Target = FaultTarget.Terminate });
        _sim.SetAuthorizationState(AuthorizationSubject.ByCode("SLOWCODE", ServiceId), "UNAVAILABLE"); // the merchant's own code of the same value
        var parameters = Terminate();
        parameters["TimeoutSec"] = 1;

        TerminateResult result = Assert.Single(_session.Run("Invoke-WxPayscoreTerminate", parameters, [CsvRow(code: "SLOWCODE", subMchId: SubMchId)]).Results);

        // The hung request was never processed: the partner code query says AVAILABLE, so it is sent once more.
        Assert.Equal((true, ResultCodes.Ok, 2, TerminateRoute.PartnerAuthorizationCode), (result.Success, result.Code, result.Attempts, result.Route));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "SLOWCODE", ServiceId)));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("SLOWCODE", ServiceId)));
    }

    [Fact]
    public void A_sub_merchant_code_row_in_flight_when_a_run_died_is_settled_by_its_query_on_resume()
    {
        string journal = Path.Combine(_dir, "journal.jsonl");
        _sim.SetAuthorizationState(AuthorizationSubject.PartnerByCode(SubMchId, "DIEDCODE1", ServiceId), "UNAVAILABLE");
        File.WriteAllText(journal, string.Concat(
            $"{{\"event\":\"sending\",\"row\":1,\"route\":\"PartnerAuthorizationCode\",\"service_id\":\"{ServiceId}\",\"authorization_code\":\"DIEDCODE1\",\"sub_mchid\":\"{SubMchId}\"}}\n",
            $"{{\"event\":\"sending\",\"row\":2,\"route\":\"PartnerAuthorizationCode\",\"service_id\":\"{ServiceId}\",\"authorization_code\":\"DIEDCODE2\",\"sub_mchid\":\"{SubMchId}\"}}\n"));

        HostedRun again = _session.Run("Invoke-WxPayscoreTerminate", Terminate(journal: true),
            [CsvRow(code: "DIEDCODE1", subMchId: SubMchId), CsvRow(code: "DIEDCODE2", subMchId: SubMchId)]);

        Assert.Equal([ResultCodes.SettledByQuery, ResultCodes.Ok], again.Results.Select(r => r.Code));
        Assert.Equal([0, 1], again.Results.Select(r => r.Attempts));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "DIEDCODE1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "DIEDCODE2", ServiceId)));
    }

    [Fact]
    public void Repeated_code_and_sub_merchant_rows_are_sent_once_and_a_resumed_run_sends_none_of_them_again()
    {
        PSObject[] rows =
        [
            CsvRow(code: "CODE1"),
            CsvRow(code: "CODE1"),
            CsvRow(openid: "oP", subMchId: SubMchId),
            CsvRow(openid: "oP", subMchId: SubMchId, appid: "wxOtherAppId0000"),
            CsvRow(openid: "oP", subMchId: "1900000110"),
            CsvRow(code: "CODE1", subMchId: SubMchId),
            CsvRow(code: "CODE1", subMchId: SubMchId, appid: "wxOtherAppId0000", subAppId: SubAppId),
            CsvRow(code: "CODE1", subMchId: "1900000110"),
        ];

        HostedRun first = _session.Run("Invoke-WxPayscoreTerminate", Terminate(journal: true), rows);
        HostedRun second = _session.Run("Invoke-WxPayscoreTerminate", Terminate(journal: true), rows);

        Assert.Equal(
            [ResultCodes.Ok, ResultCodes.Duplicate, ResultCodes.Ok, ResultCodes.Duplicate, ResultCodes.Ok, ResultCodes.Ok, ResultCodes.Duplicate, ResultCodes.Ok],
            first.Results.Select(r => r.Code));
        Assert.Contains("row 1 (authorization_code 'CODE1', service_id '500001')", first.Results[1].Message);
        Assert.Contains("row 6 (sub_mchid '1900000109', authorization_code 'CODE1', service_id '500001')", first.Results[6].Message);
        Assert.Equal(
            [ResultCodes.AlreadyDone, ResultCodes.Duplicate, ResultCodes.AlreadyDone, ResultCodes.Duplicate, ResultCodes.AlreadyDone, ResultCodes.AlreadyDone, ResultCodes.Duplicate, ResultCodes.AlreadyDone],
            second.Results.Select(r => r.Code));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "CODE1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode("1900000110", "CODE1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("CODE1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchId, ServiceId, openId: "oP")));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner("1900000110", ServiceId, openId: "oP")));
    }

    [Fact]
    public void Get_WxPayscorePermission_reports_code_and_sub_merchant_authorizations()
    {
        _sim.SetAuthorizationState(AuthorizationSubject.Partner(SubMchId, ServiceId, subOpenId: "oUnbound"), "UNBINDUSER");
        _sim.SetAuthorizationState(AuthorizationSubject.PartnerByCode(SubMchId, "UNBOUND1", ServiceId), "UNBINDUSER");
        _session.Run("Invoke-WxPayscoreTerminate", Terminate(), [CsvRow(code: "ENDED1"), CsvRow(code: "SUBENDED1", subMchId: SubMchId)]);

        HostedRun run = _session.Run("Get-WxPayscorePermission", Query(),
        [
            CsvRow(code: "ENDED1"),
            CsvRow(code: "STANDS1"),
            CsvRow(subOpenId: "oUnbound", subMchId: SubMchId, subAppId: SubAppId),
            CsvRow(openid: "oStands", subMchId: SubMchId),
            CsvRow(code: "SUBENDED1", subMchId: SubMchId),
            CsvRow(code: "SUBENDED1"),
            CsvRow(code: "UNBOUND1", subMchId: SubMchId),
        ]);

        Assert.Empty(run.Errors);
        Assert.Equal(["UNAVAILABLE", "AVAILABLE", "UNBINDUSER", "AVAILABLE", "UNAVAILABLE", "AVAILABLE", "UNBINDUSER"], run.Permissions.Select(p => p.AuthorizationState));
        Assert.NotNull(run.Permissions[4].CancelAuthorizationTime);
        Assert.Equal(("SUBENDED1", SubMchId, null), (run.Permissions[4].AuthorizationCode, run.Permissions[4].SubMerchantId, run.Permissions[4].AppId));
        Assert.All(run.Permissions, p => Assert.NotNull(p.AuthorizationTime));
        Assert.NotNull(run.Permissions[0].CancelAuthorizationTime);
        Assert.Equal(("ENDED1", null), (run.Permissions[0].AuthorizationCode, run.Permissions[0].OpenId));
        Assert.Equal((SubMchId, "oUnbound", SubAppId), (run.Permissions[2].SubMerchantId, run.Permissions[2].SubOpenId, run.Permissions[2].SubAppId));
        Assert.Equal(2, _sim.Terminates.Count);
    }

    [Fact]
    public void Get_WxPayscorePermission_output_pipes_into_Invoke_WxPayscoreTerminate_for_every_kind_of_row()
    {
        HostedRun query = _session.Run("Get-WxPayscorePermission", Query(),
            [CsvRow(code: "PIPED1"), CsvRow(subOpenId: "oPiped", subMchId: SubMchId, subAppId: SubAppId), CsvRow(openid: "oPipedMerchant"), CsvRow(code: "PIPED1", subMchId: SubMchId)]);

        var parameters = Terminate();
        parameters.Remove("AppId");
        HostedRun terminate = _session.Run("Invoke-WxPayscoreTerminate", parameters, query.Output.OrderBy(o => ((PayscorePermission)o.BaseObject).RowNumber));

        Assert.All(terminate.Results, r => Assert.True(r.Success, r.Message));
        Assert.Equal([TerminateRoute.AuthorizationCode, TerminateRoute.Partner, TerminateRoute.UserPermission, TerminateRoute.PartnerAuthorizationCode], terminate.Results.Select(r => r.Route));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode(SubMchId, "PIPED1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode("PIPED1", ServiceId)));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchId, ServiceId, subOpenId: "oPiped")));
        Assert.Equal(1, _sim.ProcessedTerminates("oPipedMerchant", ServiceId));
    }

    [Fact]
    public void Route_only_chooses_between_the_openid_endpoints()
    {
        var parameters = Terminate();
        parameters["Route"] = "AuthorizationCode";

        HostedRun run = _session.Run("Invoke-WxPayscoreTerminate", parameters, [CsvRow(openid: "o1")]);

        Assert.Empty(run.Output);
        Assert.StartsWith("ParameterArgumentValidationError,", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, _sim.RequestCount);
    }
}
