using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using WeChatPay.Payscore.Crypto;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Turns a notification WeChat Pay sent to the merchant's notify_url into a <see cref="PayscoreNotification"/>:
    /// the signature over <c>timestamp\nnonce\nbody\n</c> verified with the WeChat Pay key its Wechatpay-Serial names
    /// (the same check as every answer's, probes refused), the timestamp within 300 s unless the caller reads stored
    /// notifications, then the resource decrypted with the APIv3 key and, when the merchant is known, its mchid
    /// checked against it. Anything wrong throws a <see cref="PayscoreNotificationException"/> and gives no notification.
    /// </summary>
    internal sealed class NotificationReader
    {
        public const string ResourceAlgorithm = "AEAD_AES_256_GCM";

        private const long MaxUnixSeconds = 253402300799;

        // Not checking the window is a window no timestamp is outside of.
        private static readonly TimeSpan NoWindow = TimeSpan.MaxValue;

        private readonly ResponseVerifier _verifier;
        private readonly WechatpayKeyStore _keys;
        private readonly ApiV3Key _apiV3Key;
        private readonly string? _merchantId;
        private readonly string? _merchantIdOrigin;

        /// <param name="checkTimestamp">False to read notifications stored earlier: the signature is still checked, its age is not.</param>
        /// <param name="merchantId">The merchant the notifications must be for; null to accept any merchant's.</param>
        /// <param name="merchantIdOrigin">Where <paramref name="merchantId"/> came from (-MerchantId, WXPAY_MCHID), for the message.</param>
        public NotificationReader(
            WechatpayKeyStore keys, ApiV3Key apiV3Key, bool checkTimestamp = true, Func<DateTimeOffset>? clock = null, string? merchantId = null, string? merchantIdOrigin = null)
        {
            _keys = keys;
            _apiV3Key = apiV3Key;
            _merchantId = merchantId;
            _merchantIdOrigin = merchantIdOrigin;
            _verifier = new ResponseVerifier(keys, clock, checkTimestamp ? ResponseVerifier.DefaultMaxSkew : NoWindow);
        }

        public PayscoreNotification Read(NotificationInput input)
        {
            string? conflicting = input.Headers.Conflicting();
            if (conflicting != null)
            {
                throw Malformed(Messages.Format("Notify.HeaderConflicting", input.Description, conflicting));
            }

            string? timestamp = input.Headers[NotificationHeaders.Timestamp];
            string? serial = input.Headers[NotificationHeaders.Serial];
            Verify(input, timestamp, serial);

            JsonElement resource;
            PayscoreNotification notification;
            using (JsonDocument document = ParseJson(input.Body, input.Description, Messages.Format("Notify.ItsBody")))
            {
                JsonElement root = document.RootElement;
                notification = new PayscoreNotification
                {
                    NotificationId = Text(root, "id"),
                    CreateTime = Time(Text(root, "create_time")),
                    EventType = Text(root, "event_type"),
                    Summary = Text(root, "summary"),
                    SignedAt = SignedAt(input, timestamp),
                    WechatpaySerial = serial!,
                    Path = input.Path,
                };
                if (!root.TryGetProperty("resource", out resource) || resource.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed(Messages.Format("Notify.NoResource", input.Description));
                }

                resource = resource.Clone();
            }

            byte[] plaintext = Decrypt(input, resource);
            using (JsonDocument document = ParseJson(plaintext, input.Description, Messages.Format("Notify.ItsDecryptedResource")))
            {
                JsonElement fields = document.RootElement;
                notification.OpenId = Text(fields, "openid");
                notification.ServiceId = Text(fields, "service_id");
                notification.AppId = Text(fields, "appid");
                notification.MerchantId = Text(fields, "mchid");
                notification.NotifiedAuthorizationCode = Text(fields, "authorization_code");
                notification.UserServiceStatus = Text(fields, "user_service_status");
                notification.OpenOrCloseTime = Time(Text(fields, "openorclose_time"));
                notification.OutRequestNo = Text(fields, "out_request_no");
            }

            CheckMerchant(input, notification.MerchantId);
            return notification;
        }

        /// <summary>WeChat Pay writes RFC 3339 with the China offset (2015-05-20T13:29:35+08:00); a compact yyyyMMddHHmmss is China time too.</summary>
        internal static DateTimeOffset? Time(string? text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset time))
            {
                return time;
            }

            return DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local)
                ? new DateTimeOffset(local, TimeSpan.FromHours(8))
                : (DateTimeOffset?)null;
        }

        private void Verify(NotificationInput input, string? timestamp, string? serial)
        {
            VerificationResult result = _verifier.Verify(
                timestamp, input.Headers[NotificationHeaders.Nonce], input.Headers[NotificationHeaders.Signature], serial, input.Body);
            string where = input.Description;
            switch (result.Status)
            {
                case VerificationStatus.Verified:
                    return;
                case VerificationStatus.MissingHeaders:
                    string missing = string.Join(", ", new[] { NotificationHeaders.Timestamp, NotificationHeaders.Nonce, NotificationHeaders.Signature, NotificationHeaders.Serial }
                        .Where(name => string.IsNullOrEmpty(input.Headers[name])));
                    throw new PayscoreNotificationException(ErrorIds.NotificationUnsigned, Messages.Format("Notify.HeaderMissing", where, missing));
                case VerificationStatus.SignatureProbe:
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationSignatureProbe, Messages.Format("Notify.SignatureProbe", where, ResponseVerifier.SignatureProbePrefix));
                case VerificationStatus.UnknownSerial:
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationKeyUnknown, Messages.Format("Notify.KeyUnknown", where, UserText.Excerpt(serial), string.Join(", ", _keys.Serials)));
                case VerificationStatus.StaleTimestamp:
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationStale, Messages.Format("Notify.Stale", where, Stamp(timestamp), (int)ResponseVerifier.DefaultMaxSkew.TotalSeconds));
                default:
                    // A file stored as UTF-16 text: the body was taken as that text in UTF-8, which is right only if the text was never changed.
                    throw new PayscoreNotificationException(
                        ErrorIds.NotificationSignatureInvalid,
                        input.StoredAs == null
                            ? Messages.Format("Notify.SignatureInvalid", where, UserText.Excerpt(serial))
                            : Messages.Format("Notify.SignatureInvalidStoredAs", where, UserText.Excerpt(serial), input.StoredAs));
            }
        }

        /// <summary>
        /// A notification for another merchant is refused when the merchant is known: the same notify_url or APIv3 key
        /// may serve several merchants, and acting on another merchant's user would be a mistake. A resource without
        /// mchid (a service provider's has sp_mchid and sub_mchid) has nothing to compare.
        /// </summary>
        private void CheckMerchant(NotificationInput input, string? notified)
        {
            if (_merchantId == null || notified == null || string.Equals(notified.Trim(), _merchantId, StringComparison.Ordinal))
            {
                return;
            }

            throw new PayscoreNotificationException(
                ErrorIds.NotificationMerchantMismatch,
                Messages.Format("Notify.MerchantMismatch", input.Description, UserText.Excerpt(notified), _merchantId, _merchantIdOrigin ?? "-MerchantId"));
        }

        private byte[] Decrypt(NotificationInput input, JsonElement resource)
        {
            string? algorithm = Text(resource, "algorithm");
            string? ciphertext = Text(resource, "ciphertext");
            string? nonce = Text(resource, "nonce");
            string? associatedData = Text(resource, "associated_data") ?? string.Empty;
            if (algorithm == null)
            {
                throw Malformed(Messages.Format("Notify.ResourceAlgorithmMissing", input.Description, ResourceAlgorithm));
            }

            if (!string.Equals(algorithm, ResourceAlgorithm, StringComparison.Ordinal))
            {
                throw Malformed(Messages.Format("Notify.ResourceAlgorithmUnknown", input.Description, UserText.Excerpt(algorithm), ResourceAlgorithm));
            }

            if (ciphertext == null || nonce == null)
            {
                throw Malformed(Messages.Format("Notify.ResourceIncomplete", input.Description));
            }

            try
            {
                return _apiV3Key.Decrypt(nonce, associatedData, ciphertext);
            }
            catch (CryptographicException)
            {
                throw new PayscoreNotificationException(ErrorIds.NotificationDecryptionFailed, Messages.Format("Notify.DecryptionFailed", input.Description));
            }
        }

        /// <summary>The verified Wechatpay-Timestamp as a time; one beyond year 9999 can only be read with the window skipped.</summary>
        private static DateTimeOffset SignedAt(NotificationInput input, string? timestamp) =>
            long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxUnixSeconds
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw Malformed(Messages.Format("Notify.TimestampNoTime", input.Description, UserText.Excerpt(timestamp)));

        private static string Stamp(string? timestamp) =>
            long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxUnixSeconds
                ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("u", CultureInfo.InvariantCulture)
                : UserText.Excerpt(timestamp);

        private static JsonDocument ParseJson(byte[] json, string description, string what)
        {
            try
            {
                return RequireObject(JsonDocument.Parse(json), description, what);
            }
            catch (JsonException)
            {
                throw Malformed(Messages.Format("Notify.NotJson", description, what));
            }
        }

        private static JsonDocument RequireObject(JsonDocument document, string description, string what)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Malformed(Messages.Format("Notify.NotJsonObject", description, what));
            }

            return document;
        }

        /// <summary>A string field; a number as its digits (ids are sometimes numbers); null when absent.</summary>
        private static string? Text(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.GetRawText();
                default:
                    return null;
            }
        }

        private static PayscoreNotificationException Malformed(string message) =>
            new PayscoreNotificationException(ErrorIds.NotificationMalformed, message);
    }
}
