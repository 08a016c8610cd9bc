using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WeChatPay.Payscore.Simulator;

/// <summary>Which WeChat Pay key signs a notification.</summary>
public enum NotificationSigning
{
    PublicKey,
    PlatformCertificate,
}

/// <summary>What is wrong with a notification, for tests of a client that must refuse it.</summary>
public enum NotificationFault
{
    None,

    /// <summary>The body is changed after signing.</summary>
    TamperedBody,

    /// <summary>Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe.</summary>
    SignatureProbe,

    /// <summary>Signed by a key no client has, under a serial no client knows.</summary>
    UnknownSerial,

    /// <summary>Signed correctly, but the resource is encrypted with another APIv3 key than the merchant's.</summary>
    WrongApiV3Key,

    /// <summary>No Wechatpay-Signature header.</summary>
    MissingSignature,
}

/// <summary>A notification to write: the authorization it is about and how it is signed. Unset ids get simulator-made values.</summary>
public sealed record NotificationRequest
{
    public string EventType { get; init; } = NotificationWriter.UserCloseService;

    public string? OpenId { get; init; }

    public string? ServiceId { get; init; }

    public string? AppId { get; init; }

    public string? AuthorizationCode { get; init; }

    public string? OutRequestNo { get; init; }

    /// <summary>The merchant its resource names (mchid); the simulator's merchant when unset. Another one: a notification for another merchant.</summary>
    public string? MerchantId { get; init; }

    public NotificationSigning Signing { get; init; }

    public NotificationFault Fault { get; init; }

    /// <summary>Seconds before the simulator's clock the notification was signed: a notification stored or replayed later.</summary>
    public long AgeSeconds { get; init; }
}

/// <summary>A notification as WeChat Pay POSTs it to the merchant's notify_url: its headers and its exact body.</summary>
public sealed record SimulatedNotification(string Id, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The whole HTTP request, as a web server stores it: request line, headers, an empty line, the body.</summary>
    public string HttpRequest
    {
        get
        {
            var text = new StringBuilder("POST /wxpay/notify HTTP/1.1\r\nHost: merchant.example\r\n");
            foreach ((string name, string value) in Headers)
            {
                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            return text.Append("\r\n").Append(Body).ToString();
        }
    }
}

/// <summary>
/// Writes Pay Score notifications the way WeChat Pay sends them: the resource encrypted with the merchant's APIv3
/// key (AEAD_AES_256_GCM, with .NET's AesGcm), the body signed over "timestamp\nnonce\nbody\n" with the WeChat Pay
/// public key or the platform certificate. A notification without a fault is a real event: it sets the
/// authorization's state in the simulator (closed: UNAVAILABLE, opened: AVAILABLE), so a query afterwards agrees with it.
/// </summary>
internal sealed class NotificationWriter(SimulatorKeys keys, AuthorizationStore store, Func<DateTimeOffset> clock)
{
    public const string UserOpenService = "PAYSCORE.USER_OPEN_SERVICE";
    public const string UserCloseService = "PAYSCORE.USER_CLOSE_SERVICE";
    private const string AssociatedData = "payscore";
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public SimulatedNotification Write(NotificationRequest request)
    {
        bool closing = request.EventType == UserCloseService;
        if (!closing && request.EventType != UserOpenService)
        {
            throw new ArgumentException($"Unknown event type '{request.EventType}'; use {UserOpenService} or {UserCloseService}.", nameof(request));
        }

        DateTimeOffset now = clock().ToOffset(ChinaOffset);
        DateTimeOffset signedAt = now.AddSeconds(-request.AgeSeconds);
        string openId = request.OpenId ?? "oSim" + SimulatorKeys.RandomDigits(24);
        string serviceId = request.ServiceId ?? "500001";
        string appId = request.AppId ?? "wxd678efh567hg6787";
        string status = closing ? "USER_CLOSE_SERVICE" : "USER_OPEN_SERVICE";

        byte[] resource = JsonObject(w =>
        {
            w.WriteString("appid", appId);
            w.WriteString("mchid", request.MerchantId ?? keys.MerchantId);
            w.WriteString("out_request_no", request.OutRequestNo ?? "SIM" + SimulatorKeys.RandomDigits(16));
            w.WriteString("service_id", serviceId);
            w.WriteString("openid", openId);
            w.WriteString("user_service_status", status);
            w.WriteString("openorclose_time", signedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            if (request.AuthorizationCode != null)
            {
                w.WriteString("authorization_code", request.AuthorizationCode);
            }
        });

        string id = Guid.NewGuid().ToString();
        string nonce = RandomNumberGenerator.GetString(Alphanumeric, 12);
        string apiV3Key = request.Fault == NotificationFault.WrongApiV3Key ? RandomNumberGenerator.GetString(Alphanumeric, 32) : keys.ApiV3Key;
        string ciphertext = Encrypt(apiV3Key, nonce, resource);
        byte[] body = JsonObject(w =>
        {
            w.WriteString("id", id);
            w.WriteString("create_time", signedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            w.WriteString("resource_type", "encrypt-resource");
            w.WriteString("event_type", request.EventType);
            w.WriteString("summary", closing ? "用户解除服务授权" : "用户开启服务授权");
            w.WriteStartObject("resource");
            w.WriteString("original_type", "payscore");
            w.WriteString("algorithm", "AEAD_AES_256_GCM");
            w.WriteString("ciphertext", ciphertext);
            w.WriteString("associated_data", AssociatedData);
            w.WriteString("nonce", nonce);
            w.WriteEndObject();
        });

        bool publicKey = request.Signing == NotificationSigning.PublicKey;
        string serial = publicKey ? keys.PublicKeyId : keys.PlatformSerialNumber;
        RSA signer = publicKey ? keys.PublicKeySigner : keys.PlatformSigner;
        if (request.Fault == NotificationFault.UnknownSerial)
        {
            serial = publicKey ? "PUB_KEY_ID_" + SimulatorKeys.RandomDigits(32) : SimulatorKeys.NewCertificateSerial();
            signer = keys.StrangerSigner;
        }

        string timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string signatureNonce = RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 32);
        string signature = request.Fault == NotificationFault.SignatureProbe
            ? ResponseSigner.SignatureProbePrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(signer.KeySize / 8))
            : ResponseSigner.Compute(signer, timestamp, signatureNonce, body);

        string bodyText = Encoding.UTF8.GetString(body);
        if (request.Fault == NotificationFault.TamperedBody)
        {
            // The kind of change a forger makes: the event turned around, the rest left as it was signed.
            bodyText = closing ? bodyText.Replace(UserCloseService, UserOpenService, StringComparison.Ordinal) : bodyText.Replace(UserOpenService, UserCloseService, StringComparison.Ordinal);
        }

        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["Content-Length"] = Encoding.UTF8.GetByteCount(bodyText).ToString(CultureInfo.InvariantCulture),
            ["Wechatpay-Timestamp"] = timestamp,
            ["Wechatpay-Nonce"] = signatureNonce,
            ["Wechatpay-Serial"] = serial,
            ["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048",
        };
        if (request.Fault != NotificationFault.MissingSignature)
        {
            headers["Wechatpay-Signature"] = signature;
        }

        if (request.Fault == NotificationFault.None)
        {
            string state = closing ? AuthorizationStore.Unavailable : AuthorizationStore.Available;
            store.Set(AuthorizationSubject.ByOpenId(openId, serviceId), state);
            if (request.AuthorizationCode != null)
            {
                store.Set(AuthorizationSubject.ByCode(request.AuthorizationCode, serviceId), state);
            }
        }

        return new SimulatedNotification(id, headers, bodyText);
    }

    /// <summary>AEAD_AES_256_GCM as WeChat Pay uses it: key and nonce as UTF-8 bytes, Base64 of the ciphertext followed by the tag.</summary>
    private static string Encrypt(string apiV3Key, string nonce, byte[] plaintext)
    {
        const int tagSize = 16;
        var output = new byte[plaintext.Length + tagSize];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), tagSize);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), Encoding.UTF8.GetBytes(AssociatedData));
        return Convert.ToBase64String(output);
    }

    private static byte[] JsonObject(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
