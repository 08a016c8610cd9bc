using System.Management.Automation;
using System.Text.RegularExpressions;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

[Collection(SimulatorCollection.Name)]
public sealed class InvokeWxPayscoreTerminateTests
{
    private const string AppId = "wxd678efh567hg6787";
    private const string Reason = "服务调整";
    private const string ErrorIdSuffix = ",WeChatPay.Payscore.Commands.InvokeWxPayscoreTerminateCommand";

    private readonly WechatpaySimulator _sim;

    public InvokeWxPayscoreTerminateTests(SimulatorFixture fixture)
    {
        _sim = fixture.Simulator;
        _sim.Reset();
    }

    private Dictionary<string, object?> Parameters(bool platformCertificate = false)
    {
        var parameters = HostedRun.Credentials(_sim, platformCertificate);
        parameters["AppId"] = AppId;
        parameters["Reason"] = Reason;
        return parameters;
    }

    private HostedRun Run(params PSObject[] rows) => HostedRun.Invoke(rows, Parameters());

    private static PSObject Row(string openid, string serviceId = "500001", string? appid = null, string? reason = null) =>
        HostedRun.Row(openid, serviceId, appid, reason);

    [Fact]
    public void Every_valid_row_is_terminated_once_with_one_verified_result_per_row()
    {
        var run = Run(Row("oUser1"), Row("oUser2", "500002"), Row("oUser3"));

        Assert.Equal(new long[] { 1, 2, 3 }, run.Results.Select(r => r.RowNumber));
        Assert.All(run.Results, r =>
        {
            Assert.True(r.Success);
            Assert.Equal(204, r.StatusCode);
            Assert.Equal(ResultCodes.Ok, r.Code);
            Assert.False(string.IsNullOrEmpty(r.RequestId));
            Assert.True(r.Elapsed > TimeSpan.Zero);
        });
        Assert.Empty(run.Errors);
        // Rows in flight together reach WeChat Pay in any order.
        Assert.Equal(
            new[] { ("oUser1", "500001"), ("oUser2", "500002"), ("oUser3", "500001") },
            _sim.Terminates.Select(t => (t.OpenId!, t.ServiceId)).OrderBy(t => t.Item1, StringComparer.Ordinal));
        Assert.All(_sim.Terminates, t =>
        {
            Assert.Equal("UserPermission", t.Route);
            Assert.Equal(AppId, t.AppId);
            Assert.Equal(Reason, t.Reason);
        });
        Assert.Equal(run.Results.Select(r => r.RequestId).Order(StringComparer.Ordinal), _sim.Terminates.Select(t => t.RequestId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Per_row_appid_and_reason_override_the_command_line_and_empty_cells_fall_back_to_it()
    {
        var run = Run(Row("oA", appid: "wxRowApp", reason: "行内原因"), Row("oB", appid: "", reason: ""), Row("oC"));

        Assert.All(run.Results, r => Assert.True(r.Success));
        var byOpenId = _sim.Terminates.ToDictionary(t => t.OpenId!);
        Assert.Equal(("wxRowApp", "行内原因"), (byOpenId["oA"].AppId, byOpenId["oA"].Reason));
        Assert.Equal((AppId, Reason), (byOpenId["oB"].AppId, byOpenId["oB"].Reason));
        Assert.Equal((AppId, Reason), (byOpenId["oC"].AppId, byOpenId["oC"].Reason));
    }

    [Fact]
    public void Bad_rows_get_invalid_input_and_an_error_and_are_never_sent_while_the_others_go_on()
    {
        PSObject bad1 = Row("o/../x");
        PSObject bad2 = Row("oGood2", reason: "再见👋");
        PSObject bad3 = HostedRun.Row(null, "500001");

        var run = Run(Row("oGood1"), bad1, Row("oGood2"), bad2, bad3, Row("oGood3"));

        Assert.Equal(6, run.Results.Count);
        Assert.Equal(new[] { true, false, true, false, false, true }, run.Results.Select(r => r.Success));
        var invalid = run.Results.Where(r => !r.Success).ToList();
        Assert.All(invalid, r =>
        {
            Assert.Equal(ResultCodes.InvalidInput, r.Code);
            Assert.Equal(0, r.StatusCode);
        });
        Assert.Contains("openid", invalid[0].Message);
        Assert.Contains("reason", invalid[1].Message);
        Assert.Contains("openid is missing", invalid[2].Message);

        Assert.Equal(3, run.Errors.Count);
        Assert.All(run.Errors, e => Assert.Equal(ErrorIds.InvalidInput + ErrorIdSuffix, e.FullyQualifiedErrorId));
        Assert.Same(bad1, run.Errors[0].TargetObject);
        Assert.Same(bad2, run.Errors[1].TargetObject);
        Assert.Equal(3, _sim.RequestCount);
        Assert.Equal(new[] { "oGood1", "oGood2", "oGood3" }, _sim.Terminates.Select(t => t.OpenId).Order());
    }

    [Fact]
    public void The_openid_permission_route_sends_service_id_in_the_body()
    {
        var parameters = Parameters();
        parameters["Route"] = TerminateRoute.OpenIdPermission;

        var run = HostedRun.Invoke(new[] { Row("oRoute1", "500009") }, parameters);

        var result = Assert.Single(run.Results);
        Assert.True(result.Success, result.Message);
        Assert.Equal(TerminateRoute.OpenIdPermission, result.Route);
        var recorded = Assert.Single(_sim.Terminates);
        Assert.Equal(("OpenIdPermission", "oRoute1", "500009"), (recorded.Route, recorded.OpenId, recorded.ServiceId));
    }

    [Fact]
    public void Answers_signed_by_a_platform_certificate_verify_in_platform_certificate_mode()
    {
        var run = HostedRun.Invoke(new[] { Row("oPlatform") }, Parameters(platformCertificate: true));

        Assert.True(Assert.Single(run.Results).Success);
    }

    [Theory]
    [InlineData(FaultKind.RateLimited, 429, "FREQUENCY_LIMITED", ErrorIds.WechatpayErrorResponse, false)]
    [InlineData(FaultKind.ServerError, 500, "SYSTEM_ERROR", ErrorIds.WechatpayErrorResponse, false)]
    [InlineData(FaultKind.ServiceUnavailable, 503, "SERVICE_UNAVAILABLE", ErrorIds.WechatpayErrorResponse, false)]
    [InlineData(FaultKind.ResetBeforeProcessing, 0, ResultCodes.NetworkError, ErrorIds.NetworkError, false)]
    [InlineData(FaultKind.HtmlError, 502, ResultCodes.UnexpectedResponse, ErrorIds.UnexpectedResponse, false)]
    [InlineData(FaultKind.GarbageBody, 500, ResultCodes.UnexpectedResponse, ErrorIds.UnexpectedResponse, false)]
    [InlineData(FaultKind.CorruptSignature, 204, ResultCodes.SettledByQuery, null, true)]
    [InlineData(FaultKind.SignatureProbe, 204, ResultCodes.SettledByQuery, null, true)]
    [InlineData(FaultKind.UnknownSerial, 204, ResultCodes.SettledByQuery, null, true)]
    [InlineData(FaultKind.StaleTimestamp, 204, ResultCodes.SettledByQuery, null, true)]
    [InlineData(FaultKind.MissingSignature, 204, ResultCodes.SettledByQuery, null, true)]
    [InlineData(FaultKind.ResetAfterProcessing, 0, ResultCodes.SettledByQuery, null, true)]
    public void A_fault_on_one_row_gives_that_row_a_truthful_code_and_the_next_row_succeeds(
        FaultKind fault, int status, string code, string? errorId, bool processedBySimulator)
    {
        // Without retries: what one faulty answer leads to. An answer that may hide a processed request is
        // settled by a verified query, never by the untrusted answer itself.
        _sim.AddFault(new FaultRule { Kind = fault, OpenId = "oFaulty", Count = 1 });
        var parameters = Parameters();
        parameters["MaxRetries"] = 0;

        var run = HostedRun.Invoke(new[] { Row("oFaulty"), Row("oFine") }, parameters);

        TerminateResult faulty = run.Results[0];
        Assert.Equal((errorId == null, status, code), (faulty.Success, faulty.StatusCode, faulty.Code));
        Assert.False(string.IsNullOrWhiteSpace(faulty.Message));
        Assert.True(run.Results[1].Success, run.Results[1].Message);
        if (errorId == null)
        {
            Assert.Empty(run.Errors);
        }
        else
        {
            Assert.Equal(errorId + ErrorIdSuffix, Assert.Single(run.Errors).FullyQualifiedErrorId);
        }

        Assert.Equal(processedBySimulator, _sim.Terminates.Any(t => t.OpenId == "oFaulty"));
        Assert.Equal(processedBySimulator ? 1 : 0, _sim.ProcessedTerminates("oFaulty", "500001")); // never sent twice
    }

    [Fact]
    public void A_server_that_never_answers_hits_the_timeout()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.Hang, OpenId = "oHang", Target = FaultTarget.Terminate });
        var parameters = Parameters();
        parameters["TimeoutSec"] = 1;
        parameters["MaxRetries"] = 0;

        var run = HostedRun.Invoke(new[] { Row("oHang") }, parameters);

        var result = Assert.Single(run.Results);
        Assert.Equal((0, ResultCodes.Timeout), (result.StatusCode, result.Code));
        Assert.Equal(ErrorIds.RequestTimeout + ErrorIdSuffix, Assert.Single(run.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void A_refused_connection_is_a_network_error()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var parameters = Parameters();
        parameters["BaseUri"] = new Uri($"http://127.0.0.1:{port}");

        var run = HostedRun.Invoke(new[] { Row("oNobody") }, parameters);

        var result = Assert.Single(run.Results);
        Assert.Equal((0, ResultCodes.NetworkError), (result.StatusCode, result.Code));
        Assert.Contains($"127.0.0.1:{port}", result.Message);
    }

    [Fact]
    public void A_wrong_merchant_serial_is_refused_by_wechat_pay_with_sign_error()
    {
        var parameters = Parameters();
        parameters["MerchantSerialNumber"] = "0123456789ABCDEF0123456789ABCDEF01234567";
        parameters["Verbose"] = true;

        var run = HostedRun.Invoke(new[] { Row("oSerial") }, parameters);

        var result = Assert.Single(run.Results);
        Assert.Equal((401, "SIGN_ERROR"), (result.StatusCode, result.Code));
        Assert.Empty(_sim.Terminates);
        Assert.Equal(ErrorIds.WechatpayErrorResponse + ErrorIdSuffix, Assert.Single(run.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void WhatIf_sends_nothing_and_outputs_nothing_for_valid_rows()
    {
        var parameters = Parameters();
        parameters.Remove("Confirm");
        parameters["WhatIf"] = true;

        var run = HostedRun.Invoke(new[] { Row("oWhatIf1"), Row("oWhatIf2") }, parameters);

        Assert.Empty(run.Results);
        Assert.Empty(run.Errors);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void ErrorAction_Stop_ends_the_run_at_the_first_failed_row_after_the_rows_in_flight_finish()
    {
        // oFirst is still in flight when bad/row fails: it must finish and be written before the run stops.
        _sim.LatencyMs = 300;
        var parameters = Parameters();
        parameters["ErrorAction"] = ActionPreference.Stop;
        parameters["ThrottleLimit"] = 4;
        using var session = new HostedSession();

        HostedRun run = session.Run("Invoke-WxPayscoreTerminate", parameters, [Row("oFirst"), Row("bad/row"), Row("oNeverSent")]);

        ErrorRecord stop = run.Errors[^1];
        Assert.IsType<TerminateRowException>(stop.Exception);
        Assert.StartsWith(ErrorIds.InvalidInput + ",", stop.FullyQualifiedErrorId);
        Assert.Equal(new[] { "oFirst" }, _sim.Terminates.Select(t => t.OpenId));
        Assert.Equal(new (string?, bool)[] { ("oFirst", true), ("bad/row", false) }, run.Results.Select(r => (r.OpenId, r.Success)));
    }

    [Theory]
    [InlineData("MerchantId", null, ErrorIds.MerchantIdMissing)]
    [InlineData("MerchantId", "19000x", ErrorIds.MerchantIdInvalid)]
    [InlineData("MerchantSerialNumber", null, ErrorIds.MerchantSerialNumberMissing)]
    [InlineData("MerchantSerialNumber", "not-hex", ErrorIds.MerchantSerialNumberInvalid)]
    [InlineData("PrivateKeyPath", null, ErrorIds.PrivateKeyMissing)]
    [InlineData("PrivateKeyPath", "/nonexistent/apiclient_key.pem", ErrorIds.PrivateKeyNotFound)]
    [InlineData("PrivateKeyPath", "@public", ErrorIds.PrivateKeyIsNotPrivate)]
    [InlineData("WechatpayPublicKeyId", null, ErrorIds.WechatpayPublicKeyIdMissing)]
    [InlineData("WechatpayPublicKeyId", "1234", ErrorIds.WechatpayPublicKeyIdInvalid)]
    [InlineData("WechatpayPublicKeyPath", null, ErrorIds.WechatpayPublicKeyPathMissing)]
    [InlineData("WechatpayPublicKeyPath", "@private", ErrorIds.WechatpayPublicKeyInvalid)]
    [InlineData("BaseUri", "http://api.mch.weixin.qq.com", ErrorIds.BaseUriInsecure)]
    [InlineData("BaseUri", "https://api.mch.weixin.qq.com/prefix", ErrorIds.BaseUriInvalid)]
    [InlineData("BaseUri", "ftp://127.0.0.1", ErrorIds.BaseUriInvalid)]
    public void Bad_configuration_stops_before_the_first_request_with_a_stable_error_id(string parameter, string? value, string errorId)
    {
        var parameters = Parameters();
        object? actual = value switch
        {
            "@public" => _sim.Keys.PublicKeyPath,
            "@private" => _sim.Keys.MerchantPrivateKeyPath,
            null => null,
            _ when parameter == "BaseUri" => new Uri(value),
            _ => value,
        };
        if (actual == null)
        {
            parameters.Remove(parameter);
        }
        else
        {
            parameters[parameter] = actual;
        }

        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(new[] { Row("oConfig1"), Row("oConfig2") }, parameters));

        Assert.Equal(errorId, ex.ErrorRecord.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void No_wechatpay_key_at_all_is_a_configuration_error()
    {
        var parameters = Parameters();
        parameters.Remove("WechatpayPublicKeyId");
        parameters.Remove("WechatpayPublicKeyPath");

        var ex = Assert.ThrowsAny<RuntimeException>(() => HostedRun.Invoke(new[] { Row("o1") }, parameters));

        Assert.StartsWith(ErrorIds.WechatpayKeyMissing, ex.ErrorRecord.FullyQualifiedErrorId);
        Assert.Equal(0, _sim.RequestCount);
    }

    [Fact]
    public void Verbose_and_debug_output_reveal_no_key_material_and_no_signature()
    {
        _sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oSecret2", Count = 1 });
        var parameters = Parameters();
        parameters["Verbose"] = true;
        parameters["Debug"] = true;

        var run = HostedRun.Invoke(new[] { Row("oSecret1"), Row("oSecret2"), Row("bad/one") }, parameters);

        Assert.NotEmpty(run.Verbose);
        Assert.NotEmpty(run.Debug);
        Assert.Contains(run.Debug, line => line.Contains("signature=\"<redacted>\""));
        string everything = string.Join("\n", run.Verbose.Concat(run.Debug).Concat(run.Warnings)
            .Concat(run.Errors.Select(e => e.ToString() + e.Exception)))
            + string.Join("\n", run.Results.Select(r => $"{r.Message}|{r.Code}|{r.RequestId}"));
        string pem = File.ReadAllText(_sim.Keys.MerchantPrivateKeyPath);
        foreach (string line in pem.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----")))
        {
            Assert.DoesNotContain(line.Trim(), everything);
        }

        // An RSA-2048 signature is 344 Base64 characters; none may appear.
        Assert.DoesNotMatch(new Regex("[A-Za-z0-9+/]{300,}={0,2}"), everything);
    }
}
