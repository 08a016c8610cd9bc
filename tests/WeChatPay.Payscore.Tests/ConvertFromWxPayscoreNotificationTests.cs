using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>ConvertFrom-WxPayscoreNotification hosted in a runspace, on notifications the simulator wrote.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class ConvertFromWxPayscoreNotificationTests : IDisposable
{
    private readonly WechatpaySimulator _simulator;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wxnotify-" + Guid.NewGuid().ToString("n"));

    public ConvertFromWxPayscoreNotificationTests(SimulatorFixture fixture)
    {
        _simulator = fixture.Simulator;
        _simulator.Reset();
        Directory.CreateDirectory(_folder);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("WXPAY_MCHID", null);
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>What verifying takes: both WeChat Pay keys and the APIv3 key; no merchant id, no private key.</summary>
    private Dictionary<string, object?> VerifyOnly(bool skipTimestampCheck = false)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["WechatpayPublicKeyId"] = _simulator.Keys.PublicKeyId,
            ["WechatpayPublicKeyPath"] = _simulator.Keys.PublicKeyPath,
            ["PlatformCertificatePath"] = new[] { _simulator.Keys.PlatformCertificatePath },
            ["ApiV3Key"] = SecureText.FromPlainText(File.ReadAllText(_simulator.Keys.ApiV3KeyPath)),
        };
        if (skipTimestampCheck)
        {
            parameters["SkipTimestampCheck"] = true;
        }

        return parameters;
    }

    private static PSObject Request(SimulatedNotification notification, object? body = null)
    {
        var request = new PSObject();
        request.Properties.Add(new PSNoteProperty("Headers", new Hashtable(notification.Headers.ToDictionary(h => h.Key, h => (object)h.Value))));
        request.Properties.Add(new PSNoteProperty("Body", body ?? notification.Body));
        return request;
    }

    private string Store(string name, SimulatedNotification notification)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, notification.HttpRequest);
        return path;
    }

    private static IReadOnlyList<PayscoreNotification> Notifications(HostedRun run) =>
        run.Output.Select(o => (PayscoreNotification)o.BaseObject).ToList();

    private static string ErrorId(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>
    /// Runs the command on another thread, so that a command that blocks (opening a FIFO nobody writes, reading a
    /// device that never ends) fails the test after 20 s instead of hanging the suite. <paramref name="unblock"/>
    /// lets a blocked command go on; a session still running is left to the process, never disposed under it.
    /// </summary>
    private static HostedRun RunWithin20Seconds(Dictionary<string, object?> parameters, Action? unblock = null)
    {
        var session = new HostedSession();
        Task<HostedRun> run = Task.Run(() => session.Run("ConvertFrom-WxPayscoreNotification", parameters));
        if (!run.Wait(TimeSpan.FromSeconds(20)))
        {
            unblock?.Invoke();
            Assert.Fail("ConvertFrom-WxPayscoreNotification did not end within 20 s: it waited on the file.");
        }

        session.Dispose();
        return run.Result;
    }

    /// <summary>The one error, of id <paramref name="errorId"/>, that converting the file <paramref name="path"/> gives instead of an object.</summary>
    private ErrorRecord RefusalOf(string path, string errorId, Action? unblock = null)
    {
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters["LiteralPath"] = path;

        HostedRun run = RunWithin20Seconds(parameters, unblock);

        Assert.Empty(run.Output);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal(errorId, ErrorId(error));
        return error;
    }

    [UnixFact]
    public void A_fifo_is_refused_without_being_opened_so_nothing_waits_for_a_writer()
    {
        string fifo = Path.Combine(_folder, "callback.http");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A command blocked opening the FIFO goes on (to end of file) once a writer opens it and closes it.
        ErrorRecord error = RefusalOf(fifo, ErrorIds.NotificationUnreadable, unblock: () => new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose());

        Assert.Contains("callback.http: it is a FIFO", error.Exception.Message, StringComparison.Ordinal);
    }

    [UnixFact]
    public void A_device_that_never_ends_is_refused_before_it_is_read()
    {
        ErrorRecord error = RefusalOf("/dev/zero", ErrorIds.NotificationUnreadable);

        Assert.Contains("character device", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_named_as_a_directory()
    {
        Assert.Contains("is a directory", RefusalOf(_folder, ErrorIds.NotificationUnreadable).Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_80_kib_is_refused()
    {
        string path = Path.Combine(_folder, "huge.http");
        File.WriteAllBytes(path, new byte[(80 * 1024) + 1]);

        Assert.Contains("more than 80 KiB", RefusalOf(path, ErrorIds.NotificationMalformed).Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_callback_saved_as_utf16_as_windows_powershell_redirects_it_verifies(bool bigEndian, bool json)
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oUtf16" });
        string text = json ? System.Text.Json.JsonSerializer.Serialize(new { headers = written.Headers, body = written.Body }) : written.HttpRequest;
        string path = Path.Combine(_folder, "callback.http");
        // What Windows PowerShell 5.1's > writes: UTF-16 with a byte order mark, and a line break after the text.
        File.WriteAllText(path, text + "\r\n", new UnicodeEncoding(bigEndian, byteOrderMark: true));
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters["LiteralPath"] = path;
        using var session = new HostedSession();

        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters);

        Assert.Empty(run.Errors);
        Assert.Equal("oUtf16", Assert.Single(Notifications(run)).OpenId);
    }

    [Fact]
    public void The_same_notification_given_again_in_one_call_comes_out_once_and_each_repeat_warns_where_it_came_from()
    {
        SimulatedNotification twice = _simulator.WriteNotification(new NotificationRequest { OpenId = "oTwice" });
        SimulatedNotification once = _simulator.WriteNotification(new NotificationRequest { OpenId = "oOnce" });
        string first = Store("1-first.http", twice);
        string again = Store("2-again.http", twice);
        string other = Store("3-other.http", once);
        Dictionary<string, object?> files = VerifyOnly();
        files["LiteralPath"] = new[] { first, again, other, again };
        var againAsFileItem = new PSObject();
        againAsFileItem.Properties.Add(new PSNoteProperty("PSPath", again));
        using var session = new HostedSession();

        HostedRun fromFiles = session.Run("ConvertFrom-WxPayscoreNotification", files);
        HostedRun fromRequests = session.Run("ConvertFrom-WxPayscoreNotification", VerifyOnly(), [Request(twice), Request(once), Request(twice, Encoding.UTF8.GetBytes(twice.Body))]);
        HostedRun mixed = session.Run("ConvertFrom-WxPayscoreNotification", VerifyOnly(), [Request(twice), againAsFileItem]);
        HostedRun separately = session.Run("ConvertFrom-WxPayscoreNotification", VerifyOnly(), [Request(twice)]);

        Assert.Equal(["oTwice", "oOnce"], Notifications(fromFiles).Select(n => n.OpenId));
        Assert.Equal(2, fromFiles.Warnings.Count);
        Assert.All(fromFiles.Warnings, w => Assert.Contains(twice.Id, w, StringComparison.Ordinal));
        Assert.All(fromFiles.Warnings, w => Assert.StartsWith(again + ":", w, StringComparison.Ordinal));
        Assert.Empty(fromFiles.Errors);

        Assert.Equal(["oTwice", "oOnce"], Notifications(fromRequests).Select(n => n.OpenId));
        Assert.StartsWith("Notification 3:", Assert.Single(fromRequests.Warnings), StringComparison.Ordinal);
        Assert.Contains(twice.Id, fromRequests.Warnings[0], StringComparison.Ordinal);

        Assert.Equal(["oTwice"], Notifications(mixed).Select(n => n.OpenId));
        Assert.StartsWith(again + ":", Assert.Single(mixed.Warnings), StringComparison.Ordinal);

        // Only repeats within one call are seen: a later call knows nothing of the earlier one.
        Assert.Equal(["oTwice"], Notifications(separately).Select(n => n.OpenId));
        Assert.Empty(separately.Warnings);
    }

    [Theory]
    [InlineData("-MerchantId")]
    [InlineData("WXPAY_MCHID")]
    [InlineData("Connect-WxPayscore")]
    public void A_notification_for_another_merchant_is_refused_when_the_merchant_is_known(string source)
    {
        SimulatedNotification foreign = _simulator.WriteNotification(new NotificationRequest { OpenId = "oForeign", MerchantId = "1900000999" });
        SimulatedNotification ours = _simulator.WriteNotification(new NotificationRequest { OpenId = "oOurs" });
        using var session = new HostedSession();
        Dictionary<string, object?>? parameters = VerifyOnly();
        switch (source)
        {
            case "-MerchantId":
                parameters["MerchantId"] = _simulator.Keys.MerchantId;
                break;
            case "WXPAY_MCHID":
                Environment.SetEnvironmentVariable("WXPAY_MCHID", _simulator.Keys.MerchantId);
                break;
            default:
                Dictionary<string, object?> connect = HostedRun.Credentials(_simulator);
                connect.Remove("Confirm");
                connect["ApiV3Key"] = SecureText.FromPlainText(_simulator.Keys.ApiV3Key);
                Assert.Empty(session.Run("Connect-WxPayscore", connect).Errors);
                parameters = null;
                break;
        }

        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters, [Request(foreign), Request(ours)]);

        Assert.Equal(["oOurs"], Notifications(run).Select(n => n.OpenId));
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.Equal(ErrorIds.NotificationMerchantMismatch, ErrorId(error));
        Assert.StartsWith("Notification 1: ", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("1900000999", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(_simulator.Keys.MerchantId, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(source == "Connect-WxPayscore" ? "session connection" : source, error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_known_merchant_a_notification_for_any_merchant_is_accepted()
    {
        SimulatedNotification foreign = _simulator.WriteNotification(new NotificationRequest { OpenId = "oForeign", MerchantId = "1900000999" });
        using var session = new HostedSession();

        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", VerifyOnly(), [Request(foreign)]);

        Assert.Empty(run.Errors);
        Assert.Equal("1900000999", Assert.Single(Notifications(run)).MerchantId);
    }

    [Fact]
    public void A_merchant_id_that_is_not_a_merchant_number_stops_before_reading()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest());
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters["MerchantId"] = "19000-0109";
        using var session = new HostedSession();

        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters, [Request(written)]);

        Assert.Empty(run.Output);
        Assert.Equal(ErrorIds.MerchantIdInvalid, ErrorId(Assert.Single(run.Errors)));
    }

    [Fact]
    public void Two_different_signatures_in_one_notification_are_refused_naming_the_header_and_identical_repeats_pass()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oDoubled" });
        string good = written.Headers["Wechatpay-Signature"];
        string forged = Convert.ToBase64String(new byte[256]);
        string storedTwice = Path.Combine(_folder, "twice.http");
        // The good signature first: read first-wins, the notification would pass.
        File.WriteAllText(storedTwice, written.HttpRequest.Replace("Wechatpay-Signature: " + good + "\r\n", $"Wechatpay-Signature: {good}\r\nWechatpay-Signature: {forged}\r\n", StringComparison.Ordinal));
        Hashtable WithSignatures(params string[] signatures)
        {
            var headers = new Hashtable(written.Headers.ToDictionary(h => h.Key, h => (object)h.Value));
            headers["Wechatpay-Signature"] = signatures;
            return headers;
        }

        Dictionary<string, object?> file = VerifyOnly();
        file["LiteralPath"] = storedTwice;
        Dictionary<string, object?> conflicting = VerifyOnly();
        conflicting["Headers"] = WithSignatures(good, forged);
        conflicting["Body"] = written.Body;
        Dictionary<string, object?> identical = VerifyOnly();
        identical["Headers"] = WithSignatures(good, good);
        identical["Body"] = written.Body;
        using var session = new HostedSession();

        HostedRun fromFile = session.Run("ConvertFrom-WxPayscoreNotification", file);
        HostedRun fromHeaders = session.Run("ConvertFrom-WxPayscoreNotification", conflicting);
        HostedRun repeated = session.Run("ConvertFrom-WxPayscoreNotification", identical);

        foreach (HostedRun refused in new[] { fromFile, fromHeaders })
        {
            Assert.Empty(refused.Output);
            ErrorRecord error = Assert.Single(refused.Errors);
            Assert.Equal(ErrorIds.NotificationMalformed, ErrorId(error));
            Assert.Contains("Wechatpay-Signature", error.Exception.Message, StringComparison.Ordinal);
        }

        Assert.Empty(repeated.Errors);
        Assert.Equal("oDoubled", Assert.Single(Notifications(repeated)).OpenId);
    }

    [Fact]
    public void Of_several_notifications_the_bad_one_gets_its_error_and_no_object_and_the_others_come_through()
    {
        SimulatedNotification first = _simulator.WriteNotification(new NotificationRequest { OpenId = "oFirst" });
        SimulatedNotification tampered = _simulator.WriteNotification(new NotificationRequest { OpenId = "oTampered", Fault = NotificationFault.TamperedBody });
        SimulatedNotification third = _simulator.WriteNotification(new NotificationRequest { OpenId = "oThird", Signing = NotificationSigning.PlatformCertificate });
        SimulatedNotification fourth = _simulator.WriteNotification(new NotificationRequest { OpenId = "oFourth" });

        using var session = new HostedSession();
        HostedRun run = session.Run(
            "ConvertFrom-WxPayscoreNotification",
            VerifyOnly(),
            [Request(first), Request(tampered), Request(third, System.Text.Encoding.UTF8.GetBytes(third.Body)), Request(fourth, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(fourth.Body)))]);

        Assert.Equal(["oFirst", "oThird", "oFourth"], Notifications(run).Select(n => n.OpenId));
        Assert.Equal([_simulator.Keys.PublicKeyId, _simulator.Keys.PlatformSerialNumber, _simulator.Keys.PublicKeyId], Notifications(run).Select(n => n.WechatpaySerial));
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.NotificationSignatureInvalid + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
        Assert.StartsWith("Notification 2: ", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_azure_functions_like_request_with_header_collection_and_stream_body_binds_by_property_name()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oFunctions" });
        var message = new HttpRequestMessage();
        foreach ((string name, string value) in written.Headers.Where(h => h.Key.StartsWith("Wechatpay-", StringComparison.Ordinal)))
        {
            message.Headers.TryAddWithoutValidation(name.ToLowerInvariant(), value);
        }

        var request = new FunctionsLikeRequest(message.Headers, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(written.Body)));
        using var session = new HostedSession();
        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", VerifyOnly(), [request]);

        Assert.Empty(run.Errors);
        Assert.Equal("oFunctions", Assert.Single(Notifications(run)).OpenId);
    }

    [Fact]
    public void Headers_read_back_with_convertfrom_json_are_an_object_whose_properties_are_the_headers()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oFromJson" });
        string stored = System.Text.Json.JsonSerializer.Serialize(new { headers = written.Headers, body = written.Body });
        using var session = new HostedSession();

        PSObject notification = Assert.Single(session.Objects(
            "$v = $args[1]; $stored = $args[0] | ConvertFrom-Json; ConvertFrom-WxPayscoreNotification -Headers $stored.headers -Body $stored.body @v",
            stored,
            new Hashtable(VerifyOnly())));

        Assert.Equal("oFromJson", ((PayscoreNotification)notification.BaseObject).OpenId);
    }

    [Fact]
    public void Headers_that_are_a_plain_value_are_malformed()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest());
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters["Headers"] = "Wechatpay-Serial: " + _simulator.Keys.PublicKeyId;
        parameters["Body"] = written.Body;
        using var session = new HostedSession();

        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters);

        Assert.Empty(run.Output);
        Assert.StartsWith(ErrorIds.NotificationMalformed + ",", Assert.Single(run.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_files_from_get_childitem_are_checked_and_a_stale_one_needs_skip_timestamp_check()
    {
        Store("1-good.http", _simulator.WriteNotification(new NotificationRequest { OpenId = "oGood" }));
        Store("2-stale.http", _simulator.WriteNotification(new NotificationRequest { OpenId = "oStale", AgeSeconds = 3600 }));
        Store("3-probe.http", _simulator.WriteNotification(new NotificationRequest { Fault = NotificationFault.SignatureProbe }));
        using var session = new HostedSession();
        const string script = "$p = $args[1]; Get-ChildItem -LiteralPath $args[0] -File | Sort-Object Name | ConvertFrom-WxPayscoreNotification @p 2>&1";

        List<object> checkedNow = session.Objects(script, _folder, new Hashtable(VerifyOnly())).Select(o => o.BaseObject).ToList();
        List<object> checkedLater = session.Objects(script, _folder, new Hashtable(VerifyOnly(skipTimestampCheck: true))).Select(o => o.BaseObject).ToList();

        Assert.Equal("oGood", Assert.IsType<PayscoreNotification>(checkedNow[0]).OpenId);
        Assert.Equal(Path.Combine(_folder, "1-good.http"), ((PayscoreNotification)checkedNow[0]).Path);
        Assert.StartsWith(ErrorIds.NotificationStale + ",", Assert.IsType<ErrorRecord>(checkedNow[1]).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith(ErrorIds.NotificationSignatureProbe + ",", Assert.IsType<ErrorRecord>(checkedNow[2]).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(3, checkedNow.Count);
        Assert.Equal(["oGood", "oStale"], checkedLater.OfType<PayscoreNotification>().Select(n => n.OpenId));
        Assert.StartsWith(ErrorIds.NotificationSignatureProbe + ",", Assert.Single(checkedLater.OfType<ErrorRecord>()).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_expands_wildcards_and_a_missing_file_is_an_error_of_its_own()
    {
        Store("a.http", _simulator.WriteNotification(new NotificationRequest { OpenId = "oA" }));
        Store("b.http", _simulator.WriteNotification(new NotificationRequest { OpenId = "oB" }));
        File.WriteAllText(Path.Combine(_folder, "c.txt"), "not a notification");
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters["Path"] = new[] { Path.Combine(_folder, "*.http"), Path.Combine(_folder, "missing.http") };

        using var session = new HostedSession();
        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters);

        Assert.Equal(["oA", "oB"], Notifications(run).Select(n => n.OpenId).Order());
        Assert.StartsWith(ErrorIds.NotificationUnreadable + ",", Assert.Single(run.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Notifications_pipe_into_get_wxpayscorepermission_which_asks_about_each_authorization()
    {
        SimulatedNotification closed = _simulator.WriteNotification(new NotificationRequest
        {
            EventType = "PAYSCORE.USER_CLOSE_SERVICE", OpenId = "oClosedUser", ServiceId = "500002", AppId = "wxd678efh567hg6787", AuthorizationCode = "CODE_CLOSED_1",
        });
        SimulatedNotification opened = _simulator.WriteNotification(new NotificationRequest
        {
            EventType = "PAYSCORE.USER_OPEN_SERVICE", OpenId = "oOpenedUser", ServiceId = "500002", AppId = "wxd678efh567hg6787",
        });
        Dictionary<string, object?> query = HostedRun.Credentials(_simulator);
        query.Remove("Confirm");
        using var session = new HostedSession();

        const string pipe = "$v = $args[1]; $c = $args[2]; $args[0] | ConvertFrom-WxPayscoreNotification @v | Get-WxPayscorePermission @c";
        const string byCode = "$v = $args[1]; $c = $args[2]; $args[0] | ConvertFrom-WxPayscoreNotification @v | "
            + "Select-Object @{ n = 'AuthorizationCode'; e = { $_.NotifiedAuthorizationCode } }, ServiceId | Get-WxPayscorePermission @c";

        List<PayscorePermission> permissions = session.Objects(pipe, new[] { Request(closed), Request(opened) }, new Hashtable(VerifyOnly()), new Hashtable(query))
            .Select(o => (PayscorePermission)o.BaseObject).OrderBy(p => p.RowNumber).ToList();
        PayscorePermission asked = (PayscorePermission)Assert.Single(session.Objects(byCode, new[] { Request(closed) }, new Hashtable(VerifyOnly()), new Hashtable(query))).BaseObject;

        Assert.Equal(2, permissions.Count);
        Assert.Equal(("oClosedUser", "500002", "wxd678efh567hg6787", "UNAVAILABLE"), (permissions[0].OpenId, permissions[0].ServiceId, permissions[0].AppId, permissions[0].AuthorizationState));
        Assert.Equal(("oOpenedUser", "500002", "wxd678efh567hg6787", "AVAILABLE"), (permissions[1].OpenId, permissions[1].ServiceId, permissions[1].AppId, permissions[1].AuthorizationState));
        Assert.All(permissions, p => Assert.True(p.Success));
        Assert.Equal(("CODE_CLOSED_1", "500002", "UNAVAILABLE"), (asked.AuthorizationCode, asked.ServiceId, asked.AuthorizationState));
    }

    [Fact]
    public void The_session_connection_gives_the_keys_and_the_apiv3_key()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oConnected", Signing = NotificationSigning.PlatformCertificate });
        Dictionary<string, object?> connect = HostedRun.Credentials(_simulator, platformCertificate: true);
        connect.Remove("Confirm");
        connect["ApiV3Key"] = SecureText.FromPlainText(_simulator.Keys.ApiV3Key);
        using var session = new HostedSession();

        HostedRun connected = session.Run("Connect-WxPayscore", connect);
        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", null, [Request(written)]);

        Assert.Empty(connected.Errors);
        Assert.Empty(run.Errors);
        Assert.Equal("oConnected", Assert.Single(Notifications(run)).OpenId);
    }

    [Fact]
    public void Without_an_apiv3_key_it_stops_before_reading_anything()
    {
        Store("a.http", _simulator.WriteNotification(new NotificationRequest()));
        Dictionary<string, object?> parameters = VerifyOnly();
        parameters.Remove("ApiV3Key");
        parameters["LiteralPath"] = Path.Combine(_folder, "a.http");

        using var session = new HostedSession();
        HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters);

        Assert.Empty(run.Output);
        ErrorRecord error = Assert.Single(run.Errors);
        Assert.StartsWith(ErrorIds.ApiV3KeyMissing + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("WXPAY_APIV3_KEY", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_apiv3_key_refuses_each_notification_and_never_shows_the_key()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            Store("a.http", _simulator.WriteNotification(new NotificationRequest()));
            Store("b.http", _simulator.WriteNotification(new NotificationRequest()));
            Dictionary<string, object?> parameters = VerifyOnly();
            parameters["ApiV3Key"] = SecureText.FromPlainText(ApiV3KeyTests.TestOnlyKey);
            parameters["Path"] = Path.Combine(_folder, "*.http");

            using var session = new HostedSession();
            HostedRun run = session.Run("ConvertFrom-WxPayscoreNotification", parameters);

            Assert.Empty(run.Output);
            Assert.Equal(2, run.Errors.Count);
            Assert.All(run.Errors, e => Assert.StartsWith(ErrorIds.NotificationDecryptionFailed + ",", e.FullyQualifiedErrorId, StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.DoesNotContain(ApiV3KeyTests.TestOnlyKey, e.ToString(), StringComparison.Ordinal));
            Assert.All(run.Errors, e => Assert.DoesNotContain(_simulator.Keys.ApiV3Key, e.ToString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_table_view_says_the_event_in_a_word()
    {
        SimulatedNotification closed = _simulator.WriteNotification(new NotificationRequest { OpenId = "oTableUser", ServiceId = "500001" });
        using var session = new HostedSession();

        string table = session.Script("$v = $args[1]; $args[0] | ConvertFrom-WxPayscoreNotification @v | Format-Table | Out-String -Width 120", new[] { Request(closed) }, new Hashtable(VerifyOnly()));

        Assert.Matches(@"Event\s+OpenId or code\s+ServiceId\s+When\s+NotificationId", table);
        Assert.Matches(@"closed\s+oTableUser\s+500001\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+" + closed.Id, table);
    }

    /// <summary>Shaped like Azure Functions' HttpRequestData: header collection and a body stream.</summary>
    public sealed record FunctionsLikeRequest(System.Net.Http.Headers.HttpHeaders Headers, Stream Body);
}
