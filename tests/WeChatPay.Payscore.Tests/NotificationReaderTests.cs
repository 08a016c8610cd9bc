using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Protocol;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// NotificationReader and the stored forms it reads, against notifications the simulator signs and encrypts with its
/// own code (never the module's); the 300 s window is measured against a clock the tests set.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class NotificationReaderTests : IDisposable
{
    private readonly WechatpaySimulator _simulator;
    private readonly RSA _publicKey;
    private readonly RSA _platformKey;

    public NotificationReaderTests(SimulatorFixture fixture)
    {
        _simulator = fixture.Simulator;
        _simulator.Reset();
        _publicKey = RSA.Create();
        _publicKey.ImportFromPem(File.ReadAllText(_simulator.Keys.PublicKeyPath));
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(_simulator.Keys.PlatformCertificatePath));
        _platformKey = certificate.GetRSAPublicKey()!;
    }

    public void Dispose()
    {
        _publicKey.Dispose();
        _platformKey.Dispose();
    }

    private WechatpayKeyStore BothKeys()
    {
        var keys = new WechatpayKeyStore();
        keys.AddPublicKey(_simulator.Keys.PublicKeyId, _publicKey);
        keys.AddPlatformCertificate(_simulator.Keys.PlatformSerialNumber, _platformKey);
        return keys;
    }

    private ApiV3Key SimulatorApiV3Key() => ApiV3Key.From(SecureText.FromPlainText(_simulator.Keys.ApiV3Key), "-ApiV3Key");

    /// <summary>A reader whose clock is <paramref name="secondsAfterSigning"/> after the notification's own timestamp.</summary>
    private NotificationReader Reader(SimulatedNotification notification, long secondsAfterSigning = 0, bool checkTimestamp = true, WechatpayKeyStore? keys = null, ApiV3Key? apiV3Key = null)
    {
        long signed = long.Parse(notification.Headers["Wechatpay-Timestamp"], CultureInfo.InvariantCulture);
        return new NotificationReader(keys ?? BothKeys(), apiV3Key ?? SimulatorApiV3Key(), checkTimestamp, () => DateTimeOffset.FromUnixTimeSeconds(signed + secondsAfterSigning));
    }

    private static NotificationInput FromHttp(SimulatedNotification notification) =>
        NotificationFile.Parse(Encoding.UTF8.GetBytes(notification.HttpRequest), "callback.http", "/callbacks/callback.http");

    private static PayscoreNotificationException Refusal(NotificationReader reader, NotificationInput input) =>
        Assert.Throws<PayscoreNotificationException>(() => reader.Read(input));

    [Fact]
    public void A_stored_http_request_signed_with_the_public_key_verifies_and_decrypts_into_every_field()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest
        {
            EventType = "PAYSCORE.USER_CLOSE_SERVICE",
            OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            ServiceId = "500001",
            AppId = "wxd678efh567hg6787",
            AuthorizationCode = "CODE_1234",
            OutRequestNo = "REQ20261201",
        });

        PayscoreNotification notification = Reader(written).Read(FromHttp(written));

        Assert.Equal(written.Id, notification.NotificationId);
        Assert.Equal("PAYSCORE.USER_CLOSE_SERVICE", notification.EventType);
        Assert.Equal("用户解除服务授权", notification.Summary);
        Assert.Equal("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", notification.OpenId);
        Assert.Equal("500001", notification.ServiceId);
        Assert.Equal("wxd678efh567hg6787", notification.AppId);
        Assert.Equal(_simulator.Keys.MerchantId, notification.MerchantId);
        Assert.Equal("CODE_1234", notification.NotifiedAuthorizationCode);
        Assert.Equal("USER_CLOSE_SERVICE", notification.UserServiceStatus);
        Assert.Equal("REQ20261201", notification.OutRequestNo);
        long signed = long.Parse(written.Headers["Wechatpay-Timestamp"], CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(signed), notification.SignedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(signed), notification.CreateTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(signed), notification.OpenOrCloseTime);
        Assert.Equal(TimeSpan.FromHours(8), notification.OpenOrCloseTime!.Value.Offset);
        Assert.Equal(_simulator.Keys.PublicKeyId, notification.WechatpaySerial);
        Assert.Equal("/callbacks/callback.http", notification.Path);
    }

    [Fact]
    public void A_notification_signed_with_the_platform_certificate_is_verified_with_the_key_its_serial_names()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { Signing = NotificationSigning.PlatformCertificate, OpenId = "oPlatform" });
        var publicKeyOnly = new WechatpayKeyStore();
        publicKeyOnly.AddPublicKey(_simulator.Keys.PublicKeyId, _publicKey);
        var platformOnly = new WechatpayKeyStore();
        platformOnly.AddPlatformCertificate(_simulator.Keys.PlatformSerialNumber, _platformKey);

        PayscoreNotification notification = Reader(written).Read(FromHttp(written));
        PayscoreNotification byCertificateAlone = Reader(written, keys: platformOnly).Read(FromHttp(written));
        PayscoreNotificationException withoutIt = Refusal(Reader(written, keys: publicKeyOnly), FromHttp(written));

        Assert.Equal(_simulator.Keys.PlatformSerialNumber, notification.WechatpaySerial);
        Assert.Equal("oPlatform", notification.OpenId);
        Assert.Equal("oPlatform", byCertificateAlone.OpenId);
        Assert.Equal(ErrorIds.NotificationKeyUnknown, withoutIt.ErrorId);
    }

    [Fact]
    public void The_platform_certificate_key_does_not_verify_what_the_serial_says_the_public_key_signed()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oSwapped" });
        var swapped = new WechatpayKeyStore();
        swapped.AddPublicKey(_simulator.Keys.PublicKeyId, _platformKey);

        Assert.Equal(ErrorIds.NotificationSignatureInvalid, Refusal(Reader(written, keys: swapped), FromHttp(written)).ErrorId);
    }

    [Fact]
    public void The_json_form_with_lower_case_names_and_header_lists_reads_the_same()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oJson", EventType = "PAYSCORE.USER_OPEN_SERVICE" });
        var headers = string.Join(",", written.Headers.Select(h => $"\"{h.Key.ToLowerInvariant()}\":[\"{h.Value}\"]"));
        string file = "{\"Headers\":{" + headers + "},\"body\":" + System.Text.Json.JsonSerializer.Serialize(written.Body) + "}";

        PayscoreNotification notification = Reader(written).Read(NotificationFile.Parse(Encoding.UTF8.GetBytes(file), "callback.json", null));

        Assert.Equal("oJson", notification.OpenId);
        Assert.Equal("PAYSCORE.USER_OPEN_SERVICE", notification.EventType);
        Assert.Equal("USER_OPEN_SERVICE", notification.UserServiceStatus);
        Assert.Null(notification.NotifiedAuthorizationCode);
    }

    [Fact]
    public void An_http_form_with_lf_lines_no_request_line_a_bom_and_an_editors_final_newline_reads()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oLf" });
        string text = string.Concat(written.Headers.Select(h => $"{h.Key}:{h.Value}\n")) + "\n" + written.Body + "\r\n";

        NotificationInput input = NotificationFile.Parse([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], "callback.http", null);
        PayscoreNotification notification = Reader(written).Read(input);

        Assert.Equal(Encoding.UTF8.GetBytes(written.Body), input.Body);
        Assert.Equal("oLf", notification.OpenId);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void A_utf16_file_is_read_as_text_and_its_body_taken_as_the_utf8_wechat_pay_sent(bool bigEndian, bool json)
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oUtf16" });
        string text = json ? System.Text.Json.JsonSerializer.Serialize(new { headers = written.Headers, body = written.Body }) : written.HttpRequest;
        var utf16 = new UnicodeEncoding(bigEndian, byteOrderMark: true);

        NotificationInput input = NotificationFile.Parse([.. utf16.GetPreamble(), .. utf16.GetBytes(text + "\r\n")], "callback.http", null);

        Assert.Equal(Encoding.UTF8.GetBytes(written.Body), input.Body);
        Assert.Equal("oUtf16", Reader(written).Read(input).OpenId);
    }

    [Fact]
    public void A_utf16_file_whose_signature_does_not_verify_says_it_was_utf16()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { Fault = NotificationFault.TamperedBody });

        NotificationInput input = NotificationFile.Parse([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(written.HttpRequest)], "callback.http", null);
        PayscoreNotificationException refusal = Refusal(Reader(written), input);

        Assert.Equal(ErrorIds.NotificationSignatureInvalid, refusal.ErrorId);
        Assert.Contains("UTF-16", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_file_is_read_to_one_byte_over_80_kib_whatever_length_it_reports_and_no_further()
    {
        using var endless = new EndlessStream();

        PayscoreNotificationException refusal = Assert.Throws<PayscoreNotificationException>(() => NotificationFile.Content(endless, "/dev/zero"));

        Assert.Equal(ErrorIds.NotificationMalformed, refusal.ErrorId);
        Assert.Contains("more than 80 KiB", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(NotificationFile.MaxFileBytes + 1, endless.Served);
    }

    [Fact]
    public void A_reader_that_knows_the_merchant_refuses_another_merchants_notification_naming_both()
    {
        SimulatedNotification foreign = _simulator.WriteNotification(new NotificationRequest { MerchantId = "1900000999" });
        SimulatedNotification ours = _simulator.WriteNotification(new NotificationRequest { OpenId = "oOurs" });
        var reader = new NotificationReader(BothKeys(), SimulatorApiV3Key(), checkTimestamp: false, merchantId: _simulator.Keys.MerchantId, merchantIdOrigin: "WXPAY_MCHID");

        PayscoreNotificationException refusal = Refusal(reader, FromHttp(foreign));

        Assert.Equal(ErrorIds.NotificationMerchantMismatch, refusal.ErrorId);
        Assert.Equal(
            $"callback.http: it is for merchant 1900000999, not for merchant {_simulator.Keys.MerchantId} (WXPAY_MCHID), so it is not output. To read that merchant's notifications, give -MerchantId 1900000999.",
            refusal.Message);
        Assert.Equal("oOurs", reader.Read(FromHttp(ours)).OpenId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_utf16_file_without_a_byte_order_mark_is_named_as_utf16(bool bigEndian)
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest());

        PayscoreNotificationException refusal = Assert.Throws<PayscoreNotificationException>(
            () => NotificationFile.Parse(new UnicodeEncoding(bigEndian, byteOrderMark: false).GetBytes(written.HttpRequest), "callback.http", null));

        Assert.Equal(ErrorIds.NotificationMalformed, refusal.ErrorId);
        Assert.Contains("UTF-16", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_with_more_than_line_breaks_beyond_its_content_length_is_kept_whole_and_refused()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oExtra" });
        NotificationInput input = NotificationFile.Parse(Encoding.UTF8.GetBytes(written.HttpRequest + " "), "callback.http", null);

        Assert.Equal(Encoding.UTF8.GetByteCount(written.Body) + 1, input.Body.Length);
        Assert.Equal(ErrorIds.NotificationSignatureInvalid, Refusal(Reader(written), input).ErrorId);
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oTampered", Fault = NotificationFault.TamperedBody });

        PayscoreNotificationException refusal = Refusal(Reader(written), FromHttp(written));

        Assert.Equal(ErrorIds.NotificationSignatureInvalid, refusal.ErrorId);
        Assert.StartsWith("callback.http: ", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, true, null)]
    [InlineData(-300, true, null)]
    [InlineData(301, true, ErrorIds.NotificationStale)]
    [InlineData(-301, true, ErrorIds.NotificationStale)]
    [InlineData(3 * 24 * 3600, true, ErrorIds.NotificationStale)]
    [InlineData(3 * 24 * 3600, false, null)]
    public void The_timestamp_is_within_300_seconds_unless_the_check_is_skipped(long secondsAfterSigning, bool checkTimestamp, string? expectedError)
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oWindow" });
        NotificationReader reader = Reader(written, secondsAfterSigning, checkTimestamp);

        if (expectedError == null)
        {
            Assert.Equal("oWindow", reader.Read(FromHttp(written)).OpenId);
        }
        else
        {
            PayscoreNotificationException refusal = Refusal(reader, FromHttp(written));
            Assert.Equal(expectedError, refusal.ErrorId);
            Assert.Contains("-SkipTimestampCheck", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Skipping_the_timestamp_check_still_refuses_a_tampered_body()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { Fault = NotificationFault.TamperedBody, AgeSeconds = 86400 });

        Assert.Equal(ErrorIds.NotificationSignatureInvalid, Refusal(Reader(written, checkTimestamp: false), FromHttp(written)).ErrorId);
    }

    [Theory]
    [InlineData(NotificationFault.SignatureProbe, NotificationSigning.PublicKey, ErrorIds.NotificationSignatureProbe)]
    [InlineData(NotificationFault.SignatureProbe, NotificationSigning.PlatformCertificate, ErrorIds.NotificationSignatureProbe)]
    [InlineData(NotificationFault.UnknownSerial, NotificationSigning.PublicKey, ErrorIds.NotificationKeyUnknown)]
    [InlineData(NotificationFault.UnknownSerial, NotificationSigning.PlatformCertificate, ErrorIds.NotificationKeyUnknown)]
    [InlineData(NotificationFault.WrongApiV3Key, NotificationSigning.PublicKey, ErrorIds.NotificationDecryptionFailed)]
    [InlineData(NotificationFault.MissingSignature, NotificationSigning.PublicKey, ErrorIds.NotificationUnsigned)]
    public void Each_bad_kind_is_refused_with_its_id(NotificationFault fault, NotificationSigning signing, string expectedError)
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { Fault = fault, Signing = signing });

            PayscoreNotificationException refusal = Refusal(Reader(written), FromHttp(written));

            Assert.Equal(expectedError, refusal.ErrorId);
            Assert.DoesNotContain(_simulator.Keys.ApiV3Key, refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_signature_header_is_named()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { Fault = NotificationFault.MissingSignature });

        Assert.Contains("no Wechatpay-Signature header", Refusal(Reader(written), FromHttp(written)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_apiv3_key_does_not_decrypt_a_good_notification()
    {
        foreach (string culture in TestLanguage.Cultures)
        {
            using var language = TestLanguage.Use(culture);
            SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest());
            ApiV3Key other = ApiV3Key.From(SecureText.FromPlainText(ApiV3KeyTests.TestOnlyKey), "-ApiV3Key");

            PayscoreNotificationException refusal = Refusal(Reader(written, apiV3Key: other), FromHttp(written));

            Assert.Equal(ErrorIds.NotificationDecryptionFailed, refusal.ErrorId);
            Assert.DoesNotContain(ApiV3KeyTests.TestOnlyKey, refusal.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"id\":\"EV-1\",\"event_type\":\"PAYSCORE.USER_CLOSE_SERVICE\"}")]
    [InlineData("{\"id\":\"EV-1\",\"resource\":{\"algorithm\":\"AEAD_SM4_GCM\",\"ciphertext\":\"AAAA\",\"nonce\":\"abcdefghijkl\"}}")]
    [InlineData("{\"id\":\"EV-1\",\"resource\":{\"algorithm\":\"AEAD_AES_256_GCM\",\"nonce\":\"abcdefghijkl\"}}")]
    public void A_signed_body_that_is_not_a_notification_is_malformed(string body)
    {
        using RSA signer = RSA.Create(2048);
        var keys = new WechatpayKeyStore();
        keys.AddPublicKey("PUB_KEY_ID_TEST", signer);
        var headers = new NotificationHeaders();
        headers.Add("Wechatpay-Timestamp", "1700000000");
        headers.Add("Wechatpay-Nonce", "NONCE");
        headers.Add("Wechatpay-Serial", "PUB_KEY_ID_TEST");
        byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
        headers.Add("Wechatpay-Signature", Convert.ToBase64String(signer.SignData(ResponseVerifier.BuildMessage("1700000000", "NONCE", bodyBytes), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        var reader = new NotificationReader(keys, SimulatorApiV3Key(), clock: () => DateTimeOffset.FromUnixTimeSeconds(1700000000));

        PayscoreNotificationException refusal = Refusal(reader, new NotificationInput(headers, bodyBytes, "Notification 1"));

        Assert.Equal(ErrorIds.NotificationMalformed, refusal.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n")]
    [InlineData("Wechatpay-Timestamp: 1\r\nWechatpay-Nonce: N\r\n")]
    [InlineData("POST /notify HTTP/1.1\r\nthis is no header\r\n\r\n{}")]
    [InlineData("{\"id\":\"EV-1\",\"resource\":{}}")]
    [InlineData("{\"headers\":{},\"body\":{\"id\":\"EV-1\"}}")]
    [InlineData("{\"headers\":[],\"body\":\"{}\"}")]
    [InlineData("{\"headers\":{\"a\":\"b\"}, \"body\": ")]
    public void A_file_in_neither_form_is_malformed(string content)
    {
        PayscoreNotificationException refusal = Assert.Throws<PayscoreNotificationException>(() => NotificationFile.Parse(Encoding.UTF8.GetBytes(content), "bad.http", null));

        Assert.Equal(ErrorIds.NotificationMalformed, refusal.ErrorId);
        Assert.StartsWith("bad.http: ", refusal.Message, StringComparison.Ordinal);
    }

    public static IEnumerable<object[]> HeaderCollections()
    {
        yield return [new Hashtable { ["WECHATPAY-SERIAL"] = "S1", ["wechatpay-nonce"] = "N1" }];
        yield return [new Dictionary<string, string[]> { ["Wechatpay-Serial"] = ["S1", "S1"], ["Wechatpay-Nonce"] = ["N1"] }];
        yield return [new NameValueCollection { ["wechatpay_serial"] = "S1", ["Wechatpay-Nonce"] = "N1" }];
        var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", "S1");
        request.Headers.TryAddWithoutValidation("Wechatpay-Nonce", "N1");
        yield return [request.Headers];
        yield return [new List<KeyValuePair<string, object>> { new("Wechatpay-Serial", "S1"), new("Wechatpay-Nonce", new[] { "N1" }) }];
    }

    [Theory]
    [MemberData(nameof(HeaderCollections))]
    public void Headers_come_from_the_collections_web_frameworks_use_whatever_their_case(object collection)
    {
        NotificationHeaders headers = NotificationHeaders.From(collection)!;

        Assert.Equal("S1", headers[NotificationHeaders.Serial]);
        Assert.Equal("N1", headers["WECHATPAY-NONCE"]);
        Assert.Null(headers[NotificationHeaders.Signature]);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("json")]
    [InlineData("list")]
    [InlineData("cgi")]
    [InlineData("content-length")]
    public void A_header_the_command_reads_given_twice_with_different_values_is_malformed_and_named(string form)
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oTwice" });
        string good = written.Headers["Wechatpay-Signature"];
        string forged = Convert.ToBase64String(new byte[256]);
        string length = written.Headers["Content-Length"];
        byte[] body = Encoding.UTF8.GetBytes(written.Body);
        string named = form == "content-length" ? "Content-Length" : "Wechatpay-Signature";
        string json = "{\"headers\":{" + string.Join(",", written.Headers.Select(h => $"\"{h.Key}\":\"{h.Value}\"")) + $",\"wechatpay-signature\":\"{forged}\"}},\"body\":" + System.Text.Json.JsonSerializer.Serialize(written.Body) + "}";
        var both = written.Headers.ToDictionary(h => h.Key, h => h.Key == "Wechatpay-Signature" ? new[] { good, forged } : [h.Value]);
        var cgi = new Dictionary<string, string>(written.Headers) { ["WECHATPAY_SIGNATURE"] = forged };
        NotificationInput input = form switch
        {
            "http" => NotificationFile.Parse(Encoding.UTF8.GetBytes(written.HttpRequest.Replace($"Wechatpay-Signature: {good}\r\n", $"Wechatpay-Signature: {good}\r\nWechatpay-Signature: {forged}\r\n", StringComparison.Ordinal)), "callback.http", null),
            "json" => NotificationFile.Parse(Encoding.UTF8.GetBytes(json), "callback.json", null),
            "list" => new NotificationInput(NotificationHeaders.From(both)!, body, "callback.http"),
            "cgi" => new NotificationInput(NotificationHeaders.From(cgi)!, body, "callback.http"),
            _ => NotificationFile.Parse(Encoding.UTF8.GetBytes(written.HttpRequest.Replace($"Content-Length: {length}\r\n", $"Content-Length: {length}\r\nContent-Length: 2\r\n", StringComparison.Ordinal)), "callback.http", null),
        };

        PayscoreNotificationException refusal = Assert.Throws<PayscoreNotificationException>(() => Reader(written).Read(input));

        Assert.Equal(ErrorIds.NotificationMalformed, refusal.ErrorId);
        Assert.StartsWith("callback.", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(named, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_repeats_of_a_header_and_repeats_of_a_header_the_command_does_not_read_are_accepted()
    {
        SimulatedNotification written = _simulator.WriteNotification(new NotificationRequest { OpenId = "oRepeated" });
        string good = written.Headers["Wechatpay-Signature"];
        string repeated = written.HttpRequest.Replace(
            $"Wechatpay-Signature: {good}\r\n",
            $"Wechatpay-Signature: {good}\r\nWechatpay-Signature:  {good} \r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n",
            StringComparison.Ordinal);

        PayscoreNotification notification = Reader(written).Read(NotificationFile.Parse(Encoding.UTF8.GetBytes(repeated), "callback.http", null));

        Assert.Equal("oRepeated", notification.OpenId);
    }

    [Fact]
    public void Headers_of_a_plain_value_are_none()
    {
        Assert.Null(NotificationHeaders.From("Wechatpay-Serial: S1"));
        Assert.Null(NotificationHeaders.From(42));
        Assert.Null(NotificationHeaders.From(null));
        Assert.Null(NotificationHeaders.From(new[] { 1, 2 }));
    }

    [Fact]
    public void The_body_comes_as_a_string_bytes_or_a_stream_read_from_its_start()
    {
        byte[] expected = Encoding.UTF8.GetBytes("{\"summary\":\"用户解除服务授权\"}");
        using var seekable = new MemoryStream(expected);
        seekable.Position = seekable.Length;
        using var forwardOnly = new ForwardOnlyStream(expected);

        Assert.Equal(expected, NotificationInput.BodyBytes("{\"summary\":\"用户解除服务授权\"}", "n"));
        Assert.Equal(expected, NotificationInput.BodyBytes(expected, "n"));
        Assert.Equal(expected, NotificationInput.BodyBytes(seekable, "n"));
        Assert.Equal(expected, NotificationInput.BodyBytes(forwardOnly, "n"));
    }

    [Fact]
    public void A_body_of_another_type_or_too_large_is_malformed()
    {
        Assert.Equal(ErrorIds.NotificationMalformed, Assert.Throws<PayscoreNotificationException>(() => NotificationInput.BodyBytes(new Hashtable(), "n")).ErrorId);
        Assert.Equal(ErrorIds.NotificationMalformed, Assert.Throws<PayscoreNotificationException>(() => NotificationInput.BodyBytes(null, "n")).ErrorId);
        using var huge = new ForwardOnlyStream(new byte[NotificationInput.MaxBodyBytes + 1]);
        Assert.Equal(ErrorIds.NotificationMalformed, Assert.Throws<PayscoreNotificationException>(() => NotificationInput.BodyBytes(huge, "n")).ErrorId);
    }

    [Fact]
    public void A_body_stream_that_cannot_be_read_is_unreadable()
    {
        var closed = new MemoryStream([1, 2, 3]);
        closed.Dispose();

        Assert.Equal(ErrorIds.NotificationUnreadable, Assert.Throws<PayscoreNotificationException>(() => NotificationInput.BodyBytes(closed, "n")).ErrorId);
    }

    [Theory]
    [InlineData("2026-12-01T10:43:39+08:00", "2026-12-01T02:43:39Z")]
    [InlineData("20261201104339", "2026-12-01T02:43:39Z")]
    [InlineData("yesterday", null)]
    [InlineData(null, null)]
    public void Times_are_rfc_3339_or_compact_china_time(string? text, string? expectedUtc)
    {
        DateTimeOffset? time = NotificationReader.Time(text);

        Assert.Equal(expectedUtc == null ? null : DateTimeOffset.Parse(expectedUtc, CultureInfo.InvariantCulture), time);
    }

    /// <summary>A stream of zeros without end, as /dev/zero reads; it counts what it served.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => 0;

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A request body as ASP.NET hands it over: it cannot seek.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
