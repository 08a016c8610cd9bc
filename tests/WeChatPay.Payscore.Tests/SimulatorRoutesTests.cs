using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WeChatPay.Payscore.Protocol;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// The simulator's routes by authorization code and for service providers (partner), sent as raw signed requests:
/// what they answer and record, their field rules, and that their authorizations live apart from the openid ones.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class SimulatorRoutesTests
{
    private const string ServiceId = "500001";
    private const string AppId = "wxd678efh567hg6787";
    private const string SubMchid = "1900000109";
    private const string SubAppId = "wxd678efh567hg6999";
    private const string Code = "AUTH_code-1*x";
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    private const string SubOpenId = "oSub_openid-1";
    private const string Reason = "服务调整";

    private const string CodeQuery = "/v3/payscore/permissions/authorization-code/" + Code + "?service_id=" + ServiceId;
    private const string CodeTerminate = "/v3/payscore/permissions/authorization-code/" + Code + "/terminate";
    private const string PartnerTerminate = "/v3/payscore/partner/permissions/terminate";
    private const string PartnerSearch = "/v3/payscore/partner/permissions/search";
    private const string PartnerCodePath = "/v3/payscore/partner/permissions/authorization-code/";
    private const string PartnerCodeTerminate = PartnerCodePath + Code + "/terminate";
    private const string PartnerCodeQuery = PartnerCodePath + Code + "?service_id=" + ServiceId + "&sub_mchid=" + SubMchid;

    private static readonly HttpClient Http = new();

    private readonly WechatpaySimulator _sim;
    private readonly Client _client;

    public SimulatorRoutesTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
        _client = new Client(_sim);
    }

    private static string CodeBody(string? reason = Reason) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["service_id"] = ServiceId, ["reason"] = reason });

    private static string PartnerCodeBody(string subMchid = SubMchid) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["service_id"] = ServiceId, ["sub_mchid"] = subMchid, ["reason"] = Reason });

    private static string PartnerBody(string? openId = OpenId, string? subOpenId = null, string? subAppId = null) =>
        JsonSerializer.Serialize(Without(new Dictionary<string, string?>
        {
            ["service_id"] = ServiceId,
            ["sub_mchid"] = SubMchid,
            ["appid"] = AppId,
            ["sub_appid"] = subAppId,
            ["openid"] = openId,
            ["sub_openid"] = subOpenId,
            ["reason"] = Reason,
        }));

    private static string PartnerSearchBy(string? openId = OpenId, string? subOpenId = null, string? subAppId = null) =>
        PartnerSearch + "?service_id=" + ServiceId + "&sub_mchid=" + SubMchid + "&appid=" + AppId
        + (subAppId == null ? "" : "&sub_appid=" + subAppId)
        + (openId == null ? "" : "&openid=" + openId)
        + (subOpenId == null ? "" : "&sub_openid=" + subOpenId);

    private static Dictionary<string, string?> Without(Dictionary<string, string?> fields) =>
        fields.Where(f => f.Value != null).ToDictionary(f => f.Key, f => f.Value);

    private static AuthorizationSubject CodeSubject => AuthorizationSubject.ByCode(Code, ServiceId);

    private static AuthorizationSubject PartnerByOpenId => AuthorizationSubject.Partner(SubMchid, ServiceId, openId: OpenId);

    private static AuthorizationSubject PartnerBySubOpenId => AuthorizationSubject.Partner(SubMchid, ServiceId, subOpenId: SubOpenId);

    private static AuthorizationSubject PartnerByCode => AuthorizationSubject.PartnerByCode(SubMchid, Code, ServiceId);

    #region Platform certificates

    private string DecryptListed(JsonElement entry)
    {
        JsonElement encrypted = entry.GetProperty("encrypt_certificate");
        byte[] sealedData = Convert.FromBase64String(encrypted.GetProperty("ciphertext").GetString()!);
        byte[] plaintext = new byte[sealedData.Length - 16];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(_sim.Keys.ApiV3Key), 16);
        aes.Decrypt(
            Encoding.UTF8.GetBytes(encrypted.GetProperty("nonce").GetString()!),
            sealedData.AsSpan(0, plaintext.Length),
            sealedData.AsSpan(plaintext.Length),
            plaintext,
            Encoding.UTF8.GetBytes(encrypted.GetProperty("associated_data").GetString()!));
        return Encoding.UTF8.GetString(plaintext);
    }

    [Fact]
    public async Task The_certificate_list_decrypts_with_the_APIv3_key_and_lists_a_new_certificate_first()
    {
        string rotated = _sim.AddPlatformCertificate();

        Answer answer = await _client.GetAsync("/v3/certificates");

        Assert.Equal(200, answer.Status);
        JsonElement[] data = answer.Json.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal([rotated, _sim.Keys.PlatformSerialNumber], data.Select(e => e.GetProperty("serial_no").GetString()));
        foreach (JsonElement entry in data)
        {
            Assert.Equal(("AEAD_AES_256_GCM", "certificate"), (
                entry.GetProperty("encrypt_certificate").GetProperty("algorithm").GetString(),
                entry.GetProperty("encrypt_certificate").GetProperty("associated_data").GetString()));
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(DecryptListed(entry));
            Assert.Equal(entry.GetProperty("serial_no").GetString(), certificate.SerialNumber);
            Assert.Equal(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), DateTimeOffset.Parse(entry.GetProperty("effective_time").GetString()!));
        }

        Assert.Equal(1, _sim.CertificateRequests);
    }

    [Fact]
    public async Task The_certificates_route_checks_the_signature_like_every_route()
    {
        Answer answer = await _client.GetAsync("/v3/certificates", signedTarget: "/v3/certificates?algorithm_type=ALL");

        Assert.Equal((401, "SIGN_ERROR"), (answer.Status, answer.Json.GetProperty("code").GetString()));
        Assert.Equal(0, _sim.CertificateRequests);
    }

    [Theory]
    [InlineData("RSA", 200, 1)]
    [InlineData("ALL", 200, 1)]
    [InlineData("SM2", 200, 0)]
    [InlineData("DSA", 400, -1)]
    public async Task The_algorithm_type_selects_the_certificates(string algorithm, int status, int listed)
    {
        Answer answer = await _client.GetAsync("/v3/certificates?algorithm_type=" + algorithm);

        Assert.Equal(status, answer.Status);
        if (listed >= 0)
        {
            Assert.Equal(listed, answer.Json.GetProperty("data").GetArrayLength());
        }
        else
        {
            Assert.Equal("PARAM_ERROR", answer.Json.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_public_key_only_merchant_gets_404_RESOURCE_NOT_EXISTS()
    {
        _sim.PublicKeyOnly = true;

        Answer answer = await _client.GetAsync("/v3/certificates");

        Assert.Equal((404, "RESOURCE_NOT_EXISTS"), (answer.Status, answer.Json.GetProperty("code").GetString()));
        Assert.Contains("微信支付公钥", answer.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_Date_header_and_the_answer_timestamp_tell_the_simulator_clock_offset_included()
    {
        _sim.ClockOffsetSeconds = 120;

        Answer answer = await _client.GetAsync("/v3/certificates");

        Assert.Equal(200, answer.Status);
        long expected = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 120;
        Assert.InRange(answer.Date!.Value.ToUnixTimeSeconds(), expected - 5, expected + 1);
        Assert.InRange(answer.Timestamp!.Value, expected - 5, expected + 1);
    }

    [Fact]
    public async Task A_request_timestamp_beyond_the_window_is_refused_and_with_unsigned_refusals_only_the_Date_header_tells_the_clock()
    {
        _sim.ClockOffsetSeconds = -400;
        _sim.UnsignedCredentialRefusals = true;

        Answer answer = await _client.GetAsync("/v3/certificates");

        Assert.Equal((401, "SIGN_ERROR"), (answer.Status, answer.Code));
        Assert.Null(answer.Timestamp);
        long expected = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 400;
        Assert.InRange(answer.Date!.Value.ToUnixTimeSeconds(), expected - 5, expected + 1);

        _sim.Reset();
        Assert.False(_sim.UnsignedCredentialRefusals);
        Assert.Equal(200, (await _client.GetAsync("/v3/certificates")).Status);
    }

    #endregion

    #region Terminates

    [Fact]
    public async Task Terminate_by_code_answers_204_and_records_the_code_without_openid_or_appid()
    {
        // appid is not a field of this route: WeChat Pay ignores it, so must the record.
        string body = "{\"service_id\":\"500001\",\"appid\":\"wxignored\",\"reason\":\"服务调整\"}";

        Answer answer = await _client.PostAsync(CodeTerminate, body);

        Assert.Equal(204, answer.Status);
        RecordedTerminate recorded = Assert.Single(_sim.Terminates);
        Assert.Equal(
            ("AuthorizationCode", Code, ServiceId, Reason, answer.RequestId),
            (recorded.Route, recorded.AuthorizationCode, recorded.ServiceId, recorded.Reason, recorded.RequestId));
        Assert.Null(recorded.OpenId);
        Assert.Null(recorded.AppId);
        Assert.Null(recorded.SubMerchantId);
        Assert.Null(recorded.SubAppId);
        Assert.Null(recorded.SubOpenId);
    }

    [Fact]
    public async Task Partner_terminate_by_openid_answers_204_and_records_the_sub_merchant_and_openid()
    {
        Answer answer = await _client.PostAsync(PartnerTerminate, PartnerBody(openId: OpenId));

        Assert.Equal(204, answer.Status);
        RecordedTerminate recorded = Assert.Single(_sim.Terminates);
        Assert.Equal(
            ("Partner", SubMchid, AppId, OpenId, ServiceId, Reason, answer.RequestId),
            (recorded.Route, recorded.SubMerchantId, recorded.AppId, recorded.OpenId, recorded.ServiceId, recorded.Reason, recorded.RequestId));
        Assert.Null(recorded.SubAppId);
        Assert.Null(recorded.SubOpenId);
        Assert.Null(recorded.AuthorizationCode);
    }

    [Fact]
    public async Task Partner_terminate_by_sub_openid_answers_204_and_records_sub_appid_and_sub_openid()
    {
        Answer answer = await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));

        Assert.Equal(204, answer.Status);
        RecordedTerminate recorded = Assert.Single(_sim.Terminates);
        Assert.Equal(
            ("Partner", SubMchid, AppId, SubAppId, SubOpenId),
            (recorded.Route, recorded.SubMerchantId, recorded.AppId, recorded.SubAppId, recorded.SubOpenId));
        Assert.Null(recorded.OpenId);
    }

    [Fact]
    public async Task Partner_terminate_by_code_answers_204_and_records_the_sub_merchant_and_the_unescaped_code_without_appid()
    {
        // appid and sub_appid are not fields of this route: WeChat Pay ignores them, so must the record.
        string body = "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"appid\":\"wxignored\",\"sub_appid\":\"wxignored2\",\"reason\":\"服务调整\"}";

        Answer answer = await _client.PostAsync(PartnerCodeTerminate.Replace("*", "%2A", StringComparison.Ordinal), body);

        Assert.Equal(204, answer.Status);
        RecordedTerminate recorded = Assert.Single(_sim.Terminates);
        Assert.Equal(
            ("PartnerAuthorizationCode", Code, SubMchid, ServiceId, Reason, answer.RequestId),
            (recorded.Route, recorded.AuthorizationCode, recorded.SubMerchantId, recorded.ServiceId, recorded.Reason, recorded.RequestId));
        Assert.Null(recorded.OpenId);
        Assert.Null(recorded.AppId);
        Assert.Null(recorded.SubAppId);
        Assert.Null(recorded.SubOpenId);
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerByCode));
    }

    public static TheoryData<string, string> NewTerminates => new()
    {
        { CodeTerminate, CodeBody() },
        { PartnerTerminate, PartnerBody(openId: OpenId) },
        { PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId) },
        { PartnerCodeTerminate, PartnerCodeBody() },
    };

    [Theory]
    [MemberData(nameof(NewTerminates))]
    public async Task A_second_terminate_is_refused_as_already_ended_and_both_are_counted(string path, string body)
    {
        Answer first = await _client.PostAsync(path, body);
        Answer second = await _client.PostAsync(path, body);

        Assert.Equal(204, first.Status);
        Assert.Equal((400, "INVALID_REQUEST", "该用户的授权已解除，无需重复解除"), (second.Status, second.Code, second.Message));
        Assert.Single(_sim.Terminates);
        RecordedTerminate recorded = _sim.Terminates[0];
        Assert.Equal(2, _sim.ProcessedTerminates(SubjectOf(recorded)));
    }

    [Fact]
    public async Task A_second_terminate_is_refused_with_no_auth_when_the_simulator_is_told_so_until_it_is_reset()
    {
        _sim.AlreadyTerminated = AlreadyTerminatedBehavior.NoAuth;

        Answer first = await _client.PostAsync(CodeTerminate, CodeBody());
        Answer second = await _client.PostAsync(CodeTerminate, CodeBody());
        _sim.Reset();
        await _client.PostAsync(CodeTerminate, CodeBody());
        Answer afterReset = await _client.PostAsync(CodeTerminate, CodeBody());

        Assert.Equal(204, first.Status);
        Assert.Equal((403, "NO_AUTH", "请检查服务授权状态"), (second.Status, second.Code, second.Message));
        Assert.Equal((400, "INVALID_REQUEST"), (afterReset.Status, afterReset.Code));
        Assert.Equal(2, _sim.ProcessedTerminates(CodeSubject));
    }

    [Fact]
    public async Task A_second_terminate_answers_204_again_when_the_simulator_is_told_terminates_are_idempotent()
    {
        await using WechatpaySimulator idempotent = await WechatpaySimulator.StartAsync(
            new SimulatorOptions { AlreadyTerminated = AlreadyTerminatedBehavior.Success });
        var client = new Client(idempotent);

        Answer[] codes = [await client.PostAsync(CodeTerminate, CodeBody()), await client.PostAsync(CodeTerminate, CodeBody())];
        Answer[] partner = [await client.PostAsync(PartnerTerminate, PartnerBody()), await client.PostAsync(PartnerTerminate, PartnerBody())];

        Assert.Equal([204, 204, 204, 204], codes.Concat(partner).Select(a => a.Status));
        Assert.Equal(["AuthorizationCode", "AuthorizationCode", "Partner", "Partner"], idempotent.Terminates.Select(t => t.Route));
        Assert.Equal(2, idempotent.ProcessedTerminates(CodeSubject));
        Assert.Equal(2, idempotent.ProcessedTerminates(PartnerByOpenId));
    }

    [Fact]
    public async Task A_code_that_was_never_authorized_is_refused_and_still_counted()
    {
        _sim.SetAuthorizationState(CodeSubject, "UNBINDUSER");

        Answer answer = await _client.PostAsync(CodeTerminate, CodeBody());

        Assert.Equal((400, "INVALID_REQUEST", "用户未授权该服务"), (answer.Status, answer.Code, answer.Message));
        Assert.Empty(_sim.Terminates);
        Assert.Equal(1, _sim.ProcessedTerminates(CodeSubject));
        Assert.Equal("UNBINDUSER", (await _client.GetAsync(CodeQuery)).Json.GetProperty("authorization_state").GetString());
    }

    #endregion

    #region Queries

    [Fact]
    public async Task Query_by_code_reports_available_then_unavailable_with_the_cancel_time_after_a_terminate()
    {
        Answer before = await _client.GetAsync(CodeQuery);
        DateTimeOffset start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await _client.PostAsync(CodeTerminate, CodeBody());
        Answer after = await _client.GetAsync(CodeQuery);

        Assert.Equal(200, before.Status);
        Assert.Equal(
            ["mchid", "service_id", "authorization_code", "authorization_state", "authorization_success_time"],
            before.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal((_sim.Keys.MerchantId, ServiceId, Code, "AVAILABLE"), (
            before.Json.GetProperty("mchid").GetString(),
            before.Json.GetProperty("service_id").GetString(),
            before.Json.GetProperty("authorization_code").GetString(),
            before.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal(
            ["mchid", "service_id", "authorization_code", "authorization_state", "authorization_success_time", "cancel_authorization_time"],
            after.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("UNAVAILABLE", after.Json.GetProperty("authorization_state").GetString());
        AssertCancelledAfterAuthorized(after.Json, start);
    }

    [Fact]
    public async Task Partner_query_by_code_reports_the_provider_sub_merchant_and_code_and_sees_a_terminate_by_partner_code()
    {
        Answer before = await _client.GetAsync(PartnerCodeQuery);
        DateTimeOffset start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await _client.PostAsync(PartnerCodeTerminate, PartnerCodeBody());
        Answer after = await _client.GetAsync(PartnerCodeQuery.Replace("*", "%2A", StringComparison.Ordinal));

        Assert.Equal(200, before.Status);
        Assert.Equal(
            ["mchid", "sub_mchid", "service_id", "authorization_code", "authorization_state", "authorization_success_time"],
            before.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal((_sim.Keys.MerchantId, SubMchid, ServiceId, Code, "AVAILABLE"), (
            before.Json.GetProperty("mchid").GetString(),
            before.Json.GetProperty("sub_mchid").GetString(),
            before.Json.GetProperty("service_id").GetString(),
            before.Json.GetProperty("authorization_code").GetString(),
            before.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal(
            ["mchid", "sub_mchid", "service_id", "authorization_code", "authorization_state", "authorization_success_time", "cancel_authorization_time"],
            after.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("UNAVAILABLE", after.Json.GetProperty("authorization_state").GetString());
        AssertCancelledAfterAuthorized(after.Json, start);
    }

    [Fact]
    public async Task Partner_query_by_openid_reports_the_provider_as_mchid_and_the_state_before_and_after_a_terminate()
    {
        Answer before = await _client.GetAsync(PartnerSearchBy(openId: OpenId));
        DateTimeOffset start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await _client.PostAsync(PartnerTerminate, PartnerBody(openId: OpenId));
        Answer after = await _client.GetAsync(PartnerSearchBy(openId: OpenId));

        Assert.Equal(200, before.Status);
        Assert.Equal(
            ["mchid", "sub_mchid", "service_id", "appid", "openid", "authorization_state", "authorization_success_time"],
            before.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal((_sim.Keys.MerchantId, SubMchid, ServiceId, AppId, OpenId, "AVAILABLE"), (
            before.Json.GetProperty("mchid").GetString(),
            before.Json.GetProperty("sub_mchid").GetString(),
            before.Json.GetProperty("service_id").GetString(),
            before.Json.GetProperty("appid").GetString(),
            before.Json.GetProperty("openid").GetString(),
            before.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal("UNAVAILABLE", after.Json.GetProperty("authorization_state").GetString());
        AssertCancelledAfterAuthorized(after.Json, start);
    }

    [Fact]
    public async Task Partner_query_by_sub_openid_echoes_sub_appid_and_sub_openid_and_reports_the_state_after_a_terminate()
    {
        string search = PartnerSearchBy(openId: null, subOpenId: SubOpenId, subAppId: SubAppId);
        Answer before = await _client.GetAsync(search);
        await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));
        Answer after = await _client.GetAsync(search);

        Assert.Equal(
            ["mchid", "sub_mchid", "service_id", "appid", "sub_appid", "sub_openid", "authorization_state", "authorization_success_time"],
            before.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal((SubAppId, SubOpenId, "AVAILABLE"), (
            before.Json.GetProperty("sub_appid").GetString(),
            before.Json.GetProperty("sub_openid").GetString(),
            before.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal(
            ["mchid", "sub_mchid", "service_id", "appid", "sub_appid", "sub_openid", "authorization_state", "authorization_success_time",
                "cancel_authorization_time"],
            after.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("UNAVAILABLE", after.Json.GetProperty("authorization_state").GetString());
    }

    [Fact]
    public async Task Query_by_openid_names_the_authorization_time_authorization_success_time()
    {
        _sim.SetAuthorizationState(OpenId, ServiceId, "UNAVAILABLE");

        Answer answer = await _client.GetAsync($"/v3/payscore/permissions/openid/{OpenId}?appid={AppId}&service_id={ServiceId}");

        Assert.Equal(
            ["appid", "mchid", "service_id", "openid", "authorization_state", "authorization_success_time", "cancel_authorization_time"],
            answer.Json.EnumerateObject().Select(p => p.Name));
        AssertCancelledAfterAuthorized(answer.Json, DateTimeOffset.MinValue);
    }

    private static void AssertCancelledAfterAuthorized(JsonElement answer, DateTimeOffset notBefore)
    {
        DateTimeOffset authorized = DateTimeOffset.Parse(answer.GetProperty("authorization_success_time").GetString()!);
        DateTimeOffset cancelled = DateTimeOffset.Parse(answer.GetProperty("cancel_authorization_time").GetString()!);
        Assert.Equal(TimeSpan.FromHours(8), authorized.Offset);
        Assert.Equal(TimeSpan.FromHours(8), cancelled.Offset);
        Assert.True(authorized < cancelled, $"authorized {authorized} should come before cancelled {cancelled}");
        Assert.True(cancelled >= notBefore && cancelled <= DateTimeOffset.UtcNow, $"cancelled {cancelled} should be after {notBefore} and not in the future");
    }

    #endregion

    #region Namespaces

    [Fact]
    public async Task Terminating_by_code_leaves_the_openid_and_partner_authorizations_with_the_same_values_available()
    {
        // The same string as a code, as a merchant's openid and as a partner's openid: three authorizations.
        const string Shared = "oShared_1";
        await _client.PostAsync($"/v3/payscore/permissions/authorization-code/{Shared}/terminate", CodeBody());

        Answer byCode = await _client.GetAsync($"/v3/payscore/permissions/authorization-code/{Shared}?service_id={ServiceId}");
        Answer byOpenId = await _client.GetAsync($"/v3/payscore/permissions/openid/{Shared}?appid={AppId}&service_id={ServiceId}");
        Answer byPartner = await _client.GetAsync(PartnerSearchBy(openId: Shared));

        Assert.Equal(
            ["UNAVAILABLE", "AVAILABLE", "AVAILABLE"],
            new[] { byCode, byOpenId, byPartner }.Select(a => a.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.ByCode(Shared, ServiceId)));
        Assert.Equal(0, _sim.ProcessedTerminates(Shared, ServiceId));
    }

    [Fact]
    public async Task A_sub_merchant_code_is_apart_from_the_merchant_code_and_from_another_sub_merchant_code_of_the_same_value()
    {
        Answer terminate = await _client.PostAsync(PartnerCodeTerminate, PartnerCodeBody());
        Answer otherSubMerchantTerminate = await _client.PostAsync(PartnerCodeTerminate, PartnerCodeBody("1900000110"));

        Answer merchantCode = await _client.GetAsync(CodeQuery);
        Answer thirdSubMerchant = await _client.GetAsync(PartnerCodeQuery.Replace(SubMchid, "1900000111", StringComparison.Ordinal));

        Assert.Equal((204, 204), (terminate.Status, otherSubMerchantTerminate.Status));
        Assert.Equal("AVAILABLE", merchantCode.Json.GetProperty("authorization_state").GetString());
        Assert.Equal("AVAILABLE", thirdSubMerchant.Json.GetProperty("authorization_state").GetString());
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerByCode));
        Assert.Equal(1, _sim.ProcessedTerminates(AuthorizationSubject.PartnerByCode("1900000110", Code, ServiceId)));
        Assert.Equal(0, _sim.ProcessedTerminates(CodeSubject));
    }

    [Fact]
    public async Task A_partner_openid_a_partner_sub_openid_another_sub_merchant_and_the_merchant_openid_are_apart()
    {
        // The openid route and the partner route by openid, each terminated once: neither answers "already ended".
        Answer merchant = await _client.PostAsync(
            $"/v3/payscore/permissions/openid/{OpenId}/terminate",
            JsonSerializer.Serialize(new { service_id = ServiceId, appid = AppId, reason = Reason }));
        Answer partner = await _client.PostAsync(PartnerTerminate, PartnerBody(openId: OpenId));

        Answer sameValueAsSubOpenId = await _client.GetAsync(PartnerSearchBy(openId: null, subOpenId: OpenId, subAppId: SubAppId));
        Answer otherSubMerchant = await _client.GetAsync(PartnerSearchBy(openId: OpenId).Replace(SubMchid, "1900000110", StringComparison.Ordinal));

        Assert.Equal((204, 204), (merchant.Status, partner.Status));
        Assert.Equal("AVAILABLE", sameValueAsSubOpenId.Json.GetProperty("authorization_state").GetString());
        Assert.Equal("AVAILABLE", otherSubMerchant.Json.GetProperty("authorization_state").GetString());
        Assert.Equal(1, _sim.ProcessedTerminates(OpenId, ServiceId));
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerByOpenId));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.Partner(SubMchid, ServiceId, subOpenId: OpenId)));
    }

    [Fact]
    public async Task SetAuthorizationState_on_a_code_or_partner_subject_is_what_its_query_reports_and_nothing_else()
    {
        _sim.SetAuthorizationState(CodeSubject, "UNBINDUSER");
        _sim.SetAuthorizationState(PartnerBySubOpenId, "UNAVAILABLE");

        Answer code = await _client.GetAsync(CodeQuery);
        Answer partner = await _client.GetAsync(PartnerSearchBy(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));
        Answer partnerOpenId = await _client.GetAsync(PartnerSearchBy(openId: SubOpenId));
        Answer merchant = await _client.GetAsync($"/v3/payscore/permissions/openid/{SubOpenId}?appid={AppId}&service_id={ServiceId}");

        Assert.Equal("UNBINDUSER", code.Json.GetProperty("authorization_state").GetString());
        Assert.False(code.Json.TryGetProperty("cancel_authorization_time", out _));
        Assert.Equal("UNAVAILABLE", partner.Json.GetProperty("authorization_state").GetString());
        Assert.True(partner.Json.TryGetProperty("cancel_authorization_time", out _));
        Assert.Equal("AVAILABLE", partnerOpenId.Json.GetProperty("authorization_state").GetString());
        Assert.Equal("AVAILABLE", merchant.Json.GetProperty("authorization_state").GetString());
    }

    [Fact]
    public async Task ProcessedTerminates_counts_each_subject_apart()
    {
        await _client.PostAsync(CodeTerminate, CodeBody());
        await _client.PostAsync(CodeTerminate, CodeBody());
        await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));

        Assert.Equal(2, _sim.ProcessedTerminates(CodeSubject));
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerBySubOpenId));
        Assert.Equal(0, _sim.ProcessedTerminates(PartnerByOpenId));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.Partner("1900000110", ServiceId, subOpenId: SubOpenId)));
        Assert.Equal(0, _sim.ProcessedTerminates(AuthorizationSubject.ByCode(Code, "500002")));
        Assert.Equal(0, _sim.ProcessedTerminates(SubOpenId, ServiceId));
    }

    [Fact]
    public async Task The_processed_control_endpoint_lists_each_subject_with_the_fields_of_its_namespace()
    {
        await _client.PostAsync(CodeTerminate, CodeBody());
        await _client.PostAsync(CodeTerminate, CodeBody());
        await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));
        await _client.PostAsync(PartnerTerminate, PartnerBody(openId: OpenId));

        using JsonDocument processed = JsonDocument.Parse(await Http.GetStringAsync(new Uri(_sim.BaseUri, "/__sim/processed")));

        // In the documented order: openid (null first), service_id, then authorization_code, sub_mchid, sub_openid.
        string[] entries = processed.RootElement.EnumerateArray().Select(e => e.GetRawText()).ToArray();
        Assert.Equal(
            [
                $"{{\"openId\":null,\"serviceId\":\"{ServiceId}\",\"terminates\":1,\"authorizationCode\":null,\"subMerchantId\":\"{SubMchid}\",\"subOpenId\":\"{SubOpenId}\"}}",
                $"{{\"openId\":null,\"serviceId\":\"{ServiceId}\",\"terminates\":2,\"authorizationCode\":\"{Code}\",\"subMerchantId\":null,\"subOpenId\":null}}",
                $"{{\"openId\":\"{OpenId}\",\"serviceId\":\"{ServiceId}\",\"terminates\":1,\"authorizationCode\":null,\"subMerchantId\":\"{SubMchid}\",\"subOpenId\":null}}",
            ],
            entries);
    }

    [Fact]
    public async Task The_state_control_endpoint_addresses_code_and_partner_subjects_and_refuses_fields_that_name_none()
    {
        int byCode = await PostControlAsync($"{{\"authorizationCode\":\"{Code}\",\"serviceId\":\"{ServiceId}\",\"state\":\"UNAVAILABLE\"}}");
        int byPartner = await PostControlAsync(
            $"{{\"subMerchantId\":\"{SubMchid}\",\"subOpenId\":\"{SubOpenId}\",\"serviceId\":\"{ServiceId}\",\"state\":\"UNBINDUSER\"}}");
        int codeAndOpenId = await PostControlAsync(
            $"{{\"authorizationCode\":\"{Code}\",\"openId\":\"{OpenId}\",\"serviceId\":\"{ServiceId}\",\"state\":\"AVAILABLE\"}}");
        int subOpenIdAlone = await PostControlAsync($"{{\"subOpenId\":\"{SubOpenId}\",\"serviceId\":\"{ServiceId}\",\"state\":\"AVAILABLE\"}}");
        int partnerWithBoth = await PostControlAsync(
            $"{{\"subMerchantId\":\"{SubMchid}\",\"openId\":\"{OpenId}\",\"subOpenId\":\"{SubOpenId}\",\"serviceId\":\"{ServiceId}\",\"state\":\"AVAILABLE\"}}");
        int unknownField = await PostControlAsync($"{{\"openId\":\"{OpenId}\",\"sub_mchid\":\"{SubMchid}\",\"serviceId\":\"{ServiceId}\",\"state\":\"UNAVAILABLE\"}}");
        int byPartnerCode = await PostControlAsync(
            $"{{\"authorizationCode\":\"{Code}\",\"subMerchantId\":\"{SubMchid}\",\"serviceId\":\"{ServiceId}\",\"state\":\"UNBINDUSER\"}}");
        int partnerCodeAndSubOpenId = await PostControlAsync(
            $"{{\"authorizationCode\":\"{Code}\",\"subMerchantId\":\"{SubMchid}\",\"subOpenId\":\"{SubOpenId}\",\"serviceId\":\"{ServiceId}\",\"state\":\"AVAILABLE\"}}");

        Assert.Equal((204, 204, 204), (byCode, byPartner, byPartnerCode));
        Assert.Equal((400, 400, 400, 400, 400), (codeAndOpenId, subOpenIdAlone, partnerWithBoth, unknownField, partnerCodeAndSubOpenId));
        Assert.Equal("UNBINDUSER", (await _client.GetAsync(PartnerCodeQuery)).Json.GetProperty("authorization_state").GetString());
        Assert.Equal("UNAVAILABLE", (await _client.GetAsync(CodeQuery)).Json.GetProperty("authorization_state").GetString());
        Assert.Equal(
            "UNBINDUSER",
            (await _client.GetAsync(PartnerSearchBy(openId: null, subOpenId: SubOpenId, subAppId: SubAppId))).Json.GetProperty("authorization_state").GetString());
        Assert.Equal(
            "AVAILABLE",
            (await _client.GetAsync($"/v3/payscore/permissions/openid/{OpenId}?appid={AppId}&service_id={ServiceId}")).Json.GetProperty("authorization_state").GetString());
    }

    [Fact]
    public void A_partner_subject_takes_exactly_one_of_openid_and_sub_openid()
    {
        Assert.Throws<ArgumentException>(() => AuthorizationSubject.Partner(SubMchid, ServiceId, OpenId, SubOpenId));
        Assert.Throws<ArgumentException>(() => AuthorizationSubject.Partner(SubMchid, ServiceId));
        Assert.NotEqual(PartnerByOpenId, AuthorizationSubject.Partner(SubMchid, ServiceId, subOpenId: OpenId));
        Assert.Equal(PartnerByOpenId, AuthorizationSubject.Partner(SubMchid, ServiceId, openId: OpenId));
    }

    private async Task<int> PostControlAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Http.PostAsync(new Uri(_sim.BaseUri, "/__sim/state"), content);
        return (int)response.StatusCode;
    }

    #endregion

    #region Field rules

    private static readonly string Long33 = new('1', 33);
    private static readonly string Long129 = new('o', 129);

    public static TheoryData<string, string, string?, string, string> FieldViolations
    {
        get
        {
            string partner = "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"appid\":\"wxd678efh567hg6787\"";
            const string CodePath = "/v3/payscore/permissions/authorization-code/";
            return new()
            {
                // method, target, body, location, field
                { "POST", CodePath + Long33 + "/terminate", CodeBody(), "path", "authorization_code" },
                { "POST", CodePath + "ab%21cd/terminate", CodeBody(), "path", "authorization_code" },
                { "POST", CodePath + "ab.cd/terminate", CodeBody(), "path", "authorization_code" },
                { "POST", CodePath + "/terminate", CodeBody(), "path", "authorization_code" },
                { "POST", CodePath + "ab%21cd/terminate", "{\"reason\":\"r\"}", "path", "authorization_code" },
                { "POST", CodeTerminate, "{\"reason\":\"r\"}", "body", "service_id" },
                { "POST", CodeTerminate, "{\"service_id\":\"5000_1\",\"reason\":\"r\"}", "body", "service_id" },
                { "POST", CodeTerminate, "{\"service_id\":\"500001\"}", "body", "reason" },
                { "POST", CodeTerminate, "{\"service_id\":\"500001\",\"reason\":\"\"}", "body", "reason" },
                { "POST", CodeTerminate, "{\"service_id\":\"500001\",\"reason\":\"😀\"}", "body", "reason" },
                { "POST", CodeTerminate, "{\"service_id\":\"500001\",\"service_id\":\"500001\",\"reason\":\"r\"}", "body", "service_id" },
                { "GET", CodePath + Code, null, "query", "service_id" },
                { "GET", CodePath + Code + "?service_id=500001&service_id=500001", null, "query", "service_id" },
                { "GET", CodePath + Long33 + "?service_id=500001", null, "path", "authorization_code" },
                { "POST", PartnerTerminate, "{\"sub_mchid\":\"1900000109\",\"appid\":\"wx1\",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "service_id" },
                { "POST", PartnerTerminate, "{\"service_id\":\"500001\",\"appid\":\"wx1\",\"openid\":\"o!\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerTerminate, partner.Replace("1900000109", "19000-109") + ",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerTerminate, partner.Replace("1900000109", Long33) + ",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "appid" },
                { "POST", PartnerTerminate, partner + ",\"sub_appid\":\"wx_1\",\"sub_openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_appid" },
                { "POST", PartnerTerminate, partner + ",\"sub_appid\":\"\",\"sub_openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_appid" },
                { "POST", PartnerTerminate, partner + ",\"sub_appid\":12,\"openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_appid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"o.1\",\"reason\":\"r\"}", "body", "openid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"" + Long129 + "\",\"reason\":\"r\"}", "body", "openid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"\",\"reason\":\"r\"}", "body", "openid" },
                { "POST", PartnerTerminate, partner + ",\"sub_appid\":\"wx2\",\"sub_openid\":\"o 1\",\"reason\":\"r\"}", "body", "sub_openid" },
                { "POST", PartnerTerminate, partner + ",\"reason\":\"r\"}", "body", "openid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":null,\"sub_openid\":null,\"reason\":\"r\"}", "body", "openid" },
                { "POST", PartnerTerminate, partner + ",\"sub_appid\":\"wx2\",\"openid\":\"o1\",\"sub_openid\":\"o2\",\"reason\":\"r\"}", "body", "sub_openid" },
                { "POST", PartnerTerminate, partner + ",\"sub_openid\":\"o2\",\"reason\":\"r\"}", "body", "sub_appid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"o1\"}", "body", "reason" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"o1\",\"reason\":\"" + new string('因', 51) + "\"}", "body", "reason" },
                { "POST", PartnerTerminate, partner + ",\"sub_mchid\":\"1900000109\",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerTerminate, partner + ",\"openid\":\"o1\",\"openid\":\"o1\",\"reason\":\"r\"}", "body", "openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&openid=o1", null, "query", "appid" },
                { "GET", PartnerSearch + "?service_id=500001&appid=wx1&openid=o1", null, "query", "sub_mchid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1", null, "query", "openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&openid=o1&sub_appid=wx2&sub_openid=o2", null, "query", "sub_openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&sub_openid=o2", null, "query", "sub_appid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&openid=o1&openid=o1", null, "query", "openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&openid=o%2F1", null, "query", "openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&sub_appid=wx2&sub_openid=", null, "query", "sub_openid" },
                { "GET", PartnerSearch + "?service_id=500001&sub_mchid=1900000109&appid=wx1&sub_appid=w%2A2&openid=o1", null, "query", "sub_appid" },
                { "POST", PartnerCodePath + Long33 + "/terminate", PartnerCodeBody(), "path", "authorization_code" },
                { "POST", PartnerCodePath + "ab%2Fcd/terminate", PartnerCodeBody(), "path", "authorization_code" },
                { "POST", PartnerCodePath + "/terminate", PartnerCodeBody(), "path", "authorization_code" },
                { "POST", PartnerCodeTerminate, "{\"sub_mchid\":\"1900000109\",\"reason\":\"r\"}", "body", "service_id" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":\"19000-109\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":1900000109,\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"sub_mchid\":\"1900000110\",\"reason\":\"r\"}", "body", "sub_mchid" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\"}", "body", "reason" },
                { "POST", PartnerCodeTerminate, "{\"service_id\":\"500001\",\"sub_mchid\":\"1900000109\",\"reason\":\"😀\"}", "body", "reason" },
                { "GET", PartnerCodePath + Code + "?service_id=500001", null, "query", "sub_mchid" },
                { "GET", PartnerCodePath + Code + "?sub_mchid=1900000109", null, "query", "service_id" },
                { "GET", PartnerCodePath + Code + "?service_id=500001&sub_mchid=1900000109&sub_mchid=1900000110", null, "query", "sub_mchid" },
                { "GET", PartnerCodePath + Code + "?service_id=500001&sub_mchid=" + Long33, null, "query", "sub_mchid" },
                { "GET", PartnerCodePath + "ab.cd?service_id=500001&sub_mchid=1900000109", null, "path", "authorization_code" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(FieldViolations))]
    public async Task A_field_that_breaks_its_rule_is_a_param_error_naming_it_and_nothing_is_processed(
        string method, string target, string? body, string location, string field)
    {
        Answer answer = method == "GET" ? await _client.GetAsync(target) : await _client.PostAsync(target, body!);

        Assert.Equal((400, "PARAM_ERROR"), (answer.Status, answer.Code));
        JsonElement detail = answer.Json.GetProperty("detail");
        Assert.Equal((location, field), (detail.GetProperty("location").GetString(), detail.GetProperty("field").GetString()));
        Assert.Contains($"/{location}/{field}", answer.Message, StringComparison.Ordinal);
        Assert.Empty(_sim.Terminates);
        Assert.Equal("PARAM_ERROR", Assert.Single(_sim.Rejected).Code);
        Assert.Equal("[]", await Http.GetStringAsync(new Uri(_sim.BaseUri, "/__sim/processed")));
    }

    [Fact]
    public async Task A_partner_body_with_both_openid_and_sub_openid_is_refused_and_ends_neither()
    {
        Answer answer = await _client.PostAsync(
            PartnerTerminate, PartnerBody(openId: OpenId, subOpenId: SubOpenId, subAppId: SubAppId));

        Assert.Equal((400, "PARAM_ERROR"), (answer.Status, answer.Code));
        Assert.Empty(_sim.Terminates);
        Assert.Equal(0, _sim.ProcessedTerminates(PartnerByOpenId));
        Assert.Equal(0, _sim.ProcessedTerminates(PartnerBySubOpenId));
        Assert.Equal("AVAILABLE", (await _client.GetAsync(PartnerSearchBy(openId: OpenId))).Json.GetProperty("authorization_state").GetString());
    }

    [Fact]
    public async Task Neither_openid_nor_sub_openid_is_refused_as_a_required_field()
    {
        Answer answer = await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null));

        Assert.Equal((400, "PARAM_ERROR"), (answer.Status, answer.Code));
        Assert.Contains("必填", answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/v3/payscore/permissions/authorization-code/" + Code, "GET")]
    [InlineData("GET", CodeTerminate, "POST")]
    [InlineData("GET", PartnerTerminate, "POST")]
    [InlineData("POST", PartnerSearch, "GET")]
    [InlineData("GET", PartnerCodeTerminate, "POST")]
    [InlineData("POST", PartnerCodePath + Code, "GET")]
    public async Task The_wrong_method_on_a_new_route_is_405_with_the_method_it_takes(string method, string target, string allowed)
    {
        Answer answer = method == "GET" ? await _client.GetAsync(target) : await _client.PostAsync(target, CodeBody());

        Assert.Equal((405, "METHOD_NOT_ALLOWED"), (answer.Status, answer.Code));
        Assert.Equal(allowed, answer.Allow);
        Assert.Empty(_sim.Terminates);
    }

    #endregion

    #region Signatures and faults

    public static TheoryData<string, string, string?, string?> TamperedRequests => new()
    {
        // method, target sent, body sent, what was signed instead (the target of a GET, the body of a POST)
        { "POST", CodeTerminate, CodeBody(), CodeBody("另一个原因") },
        { "GET", CodeQuery, null, CodeQuery.Replace("500001", "500002", StringComparison.Ordinal) },
        { "POST", PartnerTerminate, PartnerBody(), PartnerBody(openId: "oOther") },
        { "GET", PartnerSearchBy(), null, PartnerSearchBy(openId: "oOther") },
        { "POST", PartnerCodeTerminate, PartnerCodeBody(), PartnerCodeBody("1900000110") },
        { "GET", PartnerCodeQuery, null, PartnerCodeQuery.Replace(SubMchid, "1900000110", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(TamperedRequests))]
    public async Task A_request_whose_signature_does_not_cover_what_was_sent_is_401_sign_error_and_not_processed(
        string method, string target, string? body, string? signedInstead)
    {
        Answer answer = method == "GET"
            ? await _client.GetAsync(target, signedTarget: signedInstead)
            : await _client.PostAsync(target, body!, signedBody: signedInstead);

        Assert.Equal((401, "SIGN_ERROR"), (answer.Status, answer.Code));
        Assert.Empty(_sim.Terminates);
        Assert.Equal("[]", await Http.GetStringAsync(new Uri(_sim.BaseUri, "/__sim/processed")));
        Assert.Equal(method == "POST" ? 1 : 0, _sim.TerminateRequests);
    }

    [Fact]
    public async Task TerminateRequests_counts_each_request_to_a_terminate_route_and_no_other()
    {
        await _client.GetAsync("/v3/certificates");
        await _client.GetAsync(CodeQuery);
        Assert.Equal(0, _sim.TerminateRequests);

        await _client.PostAsync(CodeTerminate, CodeBody());
        await _client.PostAsync(PartnerTerminate, PartnerBody(), signedBody: PartnerBody(openId: "oOther"));

        Assert.Equal(2, _sim.TerminateRequests);
        using JsonDocument state = JsonDocument.Parse(await Http.GetStringAsync(new Uri(_sim.BaseUri, "/__sim/state")));
        Assert.Equal(2, state.RootElement.GetProperty("terminateRequests").GetInt32());
        _sim.Reset();
        Assert.Equal(0, _sim.TerminateRequests);
    }

    [Fact]
    public async Task A_correctly_signed_request_to_a_new_route_passes_the_same_check()
    {
        // The control for the test above: the same requests, signed over what is sent, are accepted.
        Answer terminate = await _client.PostAsync(PartnerTerminate, PartnerBody());
        Answer search = await _client.GetAsync(PartnerSearchBy());

        Assert.Equal((204, 200), (terminate.Status, search.Status));
    }

    [Fact]
    public async Task Faults_match_a_code_by_the_code_and_a_partner_request_by_its_sub_openid_and_respect_the_target()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = Code, Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = FaultKind.RateLimited, OpenId = SubOpenId, Target = FaultTarget.Query });

        Answer codeQuery = await _client.GetAsync(CodeQuery);
        Answer codeTerminate = await _client.PostAsync(CodeTerminate, CodeBody());
        Answer partnerTerminate = await _client.PostAsync(PartnerTerminate, PartnerBody(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));
        Answer partnerSearch = await _client.GetAsync(PartnerSearchBy(openId: null, subOpenId: SubOpenId, subAppId: SubAppId));
        Answer otherPartner = await _client.GetAsync(PartnerSearchBy(openId: OpenId));

        Assert.Equal(
            new (int, string?)[] { (200, null), (500, "SYSTEM_ERROR"), (204, null), (429, "FREQUENCY_LIMITED"), (200, null) },
            new[] { codeQuery, codeTerminate, partnerTerminate, partnerSearch, otherPartner }.Select(a => (a.Status, a.Status >= 400 ? a.Code : null)));
        Assert.Equal(0, _sim.ProcessedTerminates(CodeSubject));
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerBySubOpenId));
    }

    [Fact]
    public async Task Faults_match_a_sub_merchant_code_request_by_its_code_and_respect_the_target()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = Code, Count = 1, Target = FaultTarget.Terminate });
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServiceUnavailable, OpenId = Code, Count = 1, Target = FaultTarget.Query });

        await Assert.ThrowsAsync<HttpRequestException>(() => _client.PostAsync(PartnerCodeTerminate, PartnerCodeBody()));
        Answer faultedQuery = await _client.GetAsync(PartnerCodeQuery);
        Answer query = await _client.GetAsync(PartnerCodeQuery);

        // The reset came after processing: the terminate counts and its query sees it ended.
        Assert.Equal((503, "SERVICE_UNAVAILABLE"), (faultedQuery.Status, faultedQuery.Code));
        Assert.Equal((200, "UNAVAILABLE"), (query.Status, query.Json.GetProperty("authorization_state").GetString()));
        Assert.Equal(1, _sim.ProcessedTerminates(PartnerByCode));
    }

    #endregion

    private static AuthorizationSubject SubjectOf(RecordedTerminate recorded) =>
        recorded.AuthorizationCode != null
            ? (recorded.SubMerchantId != null
                ? AuthorizationSubject.PartnerByCode(recorded.SubMerchantId, recorded.AuthorizationCode, recorded.ServiceId)
                : AuthorizationSubject.ByCode(recorded.AuthorizationCode, recorded.ServiceId))
            : AuthorizationSubject.Partner(recorded.SubMerchantId!, recorded.ServiceId, recorded.OpenId, recorded.SubOpenId);

    /// <summary>An answer: status, parsed JSON body (an empty object for none) and the headers a test looks at.</summary>
    private sealed record Answer(int Status, JsonElement Json, string? RequestId, string? Allow)
    {
        /// <summary>The Date header.</summary>
        public DateTimeOffset? Date { get; init; }

        /// <summary>The Wechatpay-Timestamp header; null when the answer is unsigned.</summary>
        public long? Timestamp { get; init; }

        public string? Code => Json.TryGetProperty("code", out JsonElement code) ? code.GetString() : null;

        public string Message => Json.TryGetProperty("message", out JsonElement message) ? message.GetString() ?? "" : "";
    }

    /// <summary>Sends requests signed by the module's own signer with the simulator's merchant key, as sent on the wire.</summary>
    private sealed class Client
    {
        private readonly WechatpaySimulator _sim;
        private readonly RequestSigner _signer;

        public Client(WechatpaySimulator sim)
        {
            _sim = sim;
            var key = RSA.Create();
            key.ImportFromPem(sim.Keys.MerchantPrivateKeyPem);
            _signer = new RequestSigner(sim.Keys.MerchantId, sim.Keys.MerchantSerialNumber, key);
        }

        public Task<Answer> GetAsync(string target, string? signedTarget = null) => SendAsync(HttpMethod.Get, target, null, signedTarget, null);

        public Task<Answer> PostAsync(string target, string body, string? signedBody = null) =>
            SendAsync(HttpMethod.Post, target, body, null, signedBody);

        private async Task<Answer> SendAsync(HttpMethod method, string target, string? body, string? signedTarget, string? signedBody)
        {
            var uri = new Uri(_sim.BaseUri, target);

            // The simulator verifies the target as sent; a test whose target .NET rewrote would test something else.
            Assert.Equal(target, uri.PathAndQuery);
            byte[] bytes = body == null ? [] : Encoding.UTF8.GetBytes(body);
            byte[] signedBytes = signedBody == null ? bytes : Encoding.UTF8.GetBytes(signedBody);
            SignedRequest signed = _signer.Sign(method.Method, signedTarget ?? uri.PathAndQuery, signedBytes);

            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation("Authorization", signed.Authorization);
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.UserAgent.ParseAdd("SimulatorRoutesTests/1.0");
            if (body != null)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            using HttpResponseMessage response = await Http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            JsonElement json = text.Length == 0 ? JsonDocument.Parse("{}").RootElement.Clone() : JsonDocument.Parse(text).RootElement.Clone();
            string? requestId = response.Headers.TryGetValues("Request-ID", out var ids) ? ids.Single() : null;
            string? allow = response.Content.Headers.Allow.Count > 0 ? string.Join(",", response.Content.Headers.Allow) : null;
            long? timestamp = response.Headers.TryGetValues("Wechatpay-Timestamp", out var stamps) ? long.Parse(stamps.Single()) : null;
            return new Answer((int)response.StatusCode, json, requestId, allow) { Date = response.Headers.Date, Timestamp = timestamp };
        }
    }
}
