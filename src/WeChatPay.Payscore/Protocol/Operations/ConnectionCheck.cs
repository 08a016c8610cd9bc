using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Crypto;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Test-WxPayscoreConnection's checks, with requests that change nothing: one signed <c>GET /v3/certificates</c>
    /// (every merchant may call it; a public-key-only merchant's 404 RESOURCE_NOT_EXISTS still says the signature was
    /// accepted), sent again once if its answer is a signature probe, and, given one user's ids, one permission query.
    /// From the answers: whether WeChat Pay answers at all, its clock against this machine's, whether it accepts the
    /// serial and the signature, whether its answer verifies with the WeChat Pay keys given, whether the APIv3 key
    /// decrypts the certificate list, and which keys WeChat Pay signs with. Never throws for what it finds: every
    /// finding is a check of the result. Knows nothing of PowerShell.
    /// </summary>
    internal sealed class ConnectionCheck
    {
        /// <summary>A clock further off than this still works, but is worth a warning.</summary>
        public static readonly TimeSpan ClockWarning = TimeSpan.FromSeconds(60);

        private const string NotAccepted = "Not checked: WeChat Pay did not accept the request (see the Signature check).";

        private readonly WechatpayClient _client;
        private readonly ResilientSender _sender;
        private readonly WechatpayKeyStore _keys;
        private readonly ApiV3Key? _apiV3Key;
        private readonly string _privateKeySource;
        private readonly AuthorizationTarget? _permission;
        private readonly Func<DateTimeOffset> _clock;

        /// <param name="client">The run's client: it signs, and verifies with <paramref name="keys"/>.</param>
        /// <param name="sender">The run's sender, for the permission query.</param>
        /// <param name="keys">The WeChat Pay keys given, which a run verifies answers with.</param>
        /// <param name="apiV3Key">The APIv3 key, when one is given: the certificate list is decrypted with it.</param>
        /// <param name="privateKeySource">Where the merchant private key is, in words, for messages.</param>
        /// <param name="permission">One user's authorization to query; null for no query.</param>
        /// <param name="clock">This machine's clock; the real one when null.</param>
        public ConnectionCheck(
            WechatpayClient client,
            ResilientSender sender,
            WechatpayKeyStore keys,
            ApiV3Key? apiV3Key,
            string privateKeySource,
            AuthorizationTarget? permission = null,
            Func<DateTimeOffset>? clock = null)
        {
            _client = client;
            _sender = sender;
            _keys = keys;
            _apiV3Key = apiV3Key;
            _privateKeySource = privateKeySource;
            _permission = permission;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public async Task<ConnectionTestResult> RunAsync(Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            DateTimeOffset testedAt = _clock();
            var checks = new List<ConnectionTestCheck>();
            var requestIds = new List<string>();
            (WechatpayResponse response, DateTimeOffset answeredAt) = await AskForCertificatesAsync(diagnostics, cancellationToken).ConfigureAwait(false);
            if (response.Verification.Status == VerificationStatus.SignatureProbe)
            {
                // WeChat Pay's occasional check that clients verify: the next answer is a real one.
                (response, answeredAt) = await AskForCertificatesAsync(diagnostics, cancellationToken).ConfigureAwait(false);
            }

            AddRequestId(requestIds, response);
            string baseUri = UriText.Quote(_client.BaseUri);
            if (response.IsTransportFailure(out string? failure))
            {
                checks.Add(Failed(ConnectionTestCheck.Connection, ErrorIds.WechatpayUnreachable,
                    $"WeChat Pay did not answer at {baseUri}: {failure.TrimEnd('.', ' ')}. Check the network, the proxy (-Proxy, or the system proxy) and the firewall "
                    + "(Test-NetConnection api.mch.weixin.qq.com -Port 443), and -BaseUri; a longer -TimeoutSec if the network is slow."));
                const string unreached = "Not checked: WeChat Pay did not answer.";
                foreach (string name in new[] { ConnectionTestCheck.Clock, ConnectionTestCheck.Signature, ConnectionTestCheck.WechatpayKey, ConnectionTestCheck.ApiV3Key, ConnectionTestCheck.Permission })
                {
                    checks.Add(NotChecked(name, unreached));
                }

                return Result(checks, null, WechatpayKeyMode.Unknown, baseUri, requestIds, testedAt);
            }

            checks.Add(Passed(ConnectionTestCheck.Connection, $"WeChat Pay answered GET {PlatformCertificateDownloader.PathAndQuery} at {baseUri} with HTTP {response.StatusCode} (Request-ID {response.RequestId ?? "none"})."));
            var answer = WechatpayAnswer.Of(response, 200);
            bool accepted = response.StatusCode == 200 || answer.MeansPublicKeyOnly;
            CertificateList list = OpenList(response, accepted);
            try
            {
                (VerificationResult verification, bool byListed) = VerifyAtAnyTime(response, list);
                (TimeSpan? offset, ConnectionTestCheck clockCheck) = CheckClock(response, verification, answeredAt);
                checks.Add(clockCheck);
                bool clockFailed = clockCheck.Status == ConnectionCheckStatus.Failed;
                checks.Add(CheckSignature(answer, accepted, clockFailed, offset));
                WechatpayKeyMode mode = !accepted ? WechatpayKeyMode.Unknown
                    : answer.MeansPublicKeyOnly ? WechatpayKeyMode.PublicKey
                    : WechatpayKeyStore.IsPublicKeyId(response.Signature?.Serial) ? WechatpayKeyMode.Both
                    : WechatpayKeyMode.PlatformCertificates;
                checks.Add(accepted ? CheckWechatpayKey(response, verification, byListed, list) : NotChecked(ConnectionTestCheck.WechatpayKey, NotAccepted));
                checks.Add(CheckApiV3Key(accepted, mode, list));
                if (_permission == null || !accepted || clockFailed)
                {
                    checks.Add(NotChecked(ConnectionTestCheck.Permission, _permission == null
                        ? "Not checked: give -AppId, -ServiceId and -OpenId of one user to check that WeChat Pay lets this merchant query (and so end) that service's authorizations."
                        : NotAccepted));
                    return Result(checks, offset, mode, baseUri, requestIds, testedAt);
                }

                QueryAnswer query = await new PermissionQuery(_sender).QueryAsync(_permission, diagnostics, cancellationToken).ConfigureAwait(false);
                AddRequestId(requestIds, query.Response);
                checks.Add(CheckPermission(query));
                if (mode == WechatpayKeyMode.PlatformCertificates && query.Response?.Verification.IsVerified == true && WechatpayKeyStore.IsPublicKeyId(query.Response.Signature?.Serial))
                {
                    mode = WechatpayKeyMode.Both;
                }

                return Result(checks, offset, mode, baseUri, requestIds, testedAt);
            }
            finally
            {
                list.Dispose();
            }
        }

        /// <summary>The answer to one GET /v3/certificates, and this machine's time halfway through it (when the answer was most likely stamped).</summary>
        private async Task<(WechatpayResponse Response, DateTimeOffset AnsweredAt)> AskForCertificatesAsync(Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            DateTimeOffset sent = _clock();
            var stopwatch = Stopwatch.StartNew();
            WechatpayResponse response = await PlatformCertificateDownloader
                .RequestAsync(_client, _keys, diagnostics, cancellationToken)
                .ConfigureAwait(false);
            return (response, sent + TimeSpan.FromTicks(stopwatch.Elapsed.Ticks / 2));
        }

        /// <summary>The certificate list decrypted with the APIv3 key, when there is a list and a key; or why it did not open.</summary>
        private CertificateList OpenList(WechatpayResponse response, bool accepted)
        {
            if (!accepted || response.StatusCode != 200 || _apiV3Key == null)
            {
                return new CertificateList(null, null, null);
            }

            var downloader = new PlatformCertificateDownloader(_client, _apiV3Key, _keys, _clock);
            try
            {
                (IReadOnlyList<PlatformCertificate> certificates, IReadOnlyDictionary<string, RSA> keys) = downloader.OpenAll(response.Body);
                return new CertificateList(certificates, keys, null);
            }
            catch (PayscoreException ex)
            {
                return new CertificateList(null, null, ex);
            }
        }

        /// <summary>
        /// The answer's signature checked whatever its age (the clock check judges the age): with the keys given, else,
        /// for a serial they do not hold, with the certificates the list brought (as a run would trust them).
        /// </summary>
        private (VerificationResult Verification, bool ByListed) VerifyAtAnyTime(WechatpayResponse response, CertificateList list)
        {
            SignatureHeaders headers = response.Signature ?? new SignatureHeaders(null, null, null, null);
            VerificationResult result = new ResponseVerifier(_keys, _clock, TimeSpan.MaxValue).Verify(headers, response.Body);
            if (result.Status != VerificationStatus.UnknownSerial || list.Keys == null)
            {
                return (result, false);
            }

            var listed = new WechatpayKeyStore();
            foreach (KeyValuePair<string, RSA> key in list.Keys)
            {
                listed.AddPlatformCertificate(key.Key, key.Value);
            }

            VerificationResult byListed = new ResponseVerifier(listed, _clock, TimeSpan.MaxValue).Verify(headers, response.Body);
            return byListed.Status == VerificationStatus.UnknownSerial ? (result, false) : (byListed, true);
        }

        /// <summary>WeChat Pay's clock from the verified Wechatpay-Timestamp, else from the Date header; the check of the offset.</summary>
        private static (TimeSpan? Offset, ConnectionTestCheck Check) CheckClock(WechatpayResponse response, VerificationResult verification, DateTimeOffset answeredAt)
        {
            DateTimeOffset? server = null;
            string source;
            if (verification.IsVerified
                && long.TryParse(response.Signature?.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                && seconds > 0 && seconds < 253402300799)
            {
                server = DateTimeOffset.FromUnixTimeSeconds(seconds);
                source = "its signed Wechatpay-Timestamp";
            }
            else
            {
                server = response.Date;
                source = "its Date header, which is not signed";
            }

            if (server == null)
            {
                return (null, NotChecked(ConnectionTestCheck.Clock,
                    "Not checked: WeChat Pay's answer told its time neither by a Wechatpay-Timestamp that verifies nor by a Date header."));
            }

            // Both carry whole seconds: the answer was stamped half a second after its time, on average.
            TimeSpan offset = TimeSpan.FromSeconds(Math.Round((server.Value.AddMilliseconds(500) - answeredAt).TotalSeconds));
            long off = (long)Math.Abs(offset.TotalSeconds);
            // Whole seconds on both sides: a second either way is as close as the answer can tell.
            string clocks = off <= 1
                ? $"WeChat Pay's clock agrees with this machine's to within a second (by {source})"
                : $"WeChat Pay's clock is {off} s {(offset > TimeSpan.Zero ? "ahead of" : "behind")} this machine's (by {source})";
            long allowed = (long)RunHealth.AllowedClockSkew.TotalSeconds;
            if (offset.Duration() > RunHealth.AllowedClockSkew)
            {
                return (offset, Failed(ConnectionTestCheck.Clock, ErrorIds.ClockOffsetTooLarge,
                    $"{clocks}: more than the {allowed} s WeChat Pay allows, so it refuses every request (401 SIGN_ERROR) and its answers look replayed. "
                    + "Set this machine's clock right (NTP: w32tm /resync on Windows, timedatectl or chronyc on Linux), then test again."));
            }

            if (offset.Duration() > ClockWarning)
            {
                return (offset, new ConnectionTestCheck(ConnectionTestCheck.Clock, ConnectionCheckStatus.Warning,
                    $"{clocks}: requests are still accepted (WeChat Pay allows {allowed} s), but a clock that drifts {allowed - off} s further makes WeChat Pay refuse every request. "
                    + "Set this machine's clock right (NTP) before a long run."));
            }

            return (offset, Passed(ConnectionTestCheck.Clock, $"{clocks}, well within the {allowed} s WeChat Pay allows."));
        }

        private ConnectionTestCheck CheckSignature(WechatpayAnswer answer, bool accepted, bool clockFailed, TimeSpan? offset)
        {
            string merchantId = _client.MerchantId;
            string serial = _client.SerialNumber;
            if (accepted)
            {
                return Passed(ConnectionTestCheck.Signature,
                    $"WeChat Pay accepted the request of merchant {merchantId}, signed with serial {serial} and the private key from {_privateKeySource}.");
            }

            // WeChat Pay's own words when it gave any (the classifier's sentence would also say the refusal is unverified).
            string said = answer.Error != null
                ? $"HTTP {answer.StatusCode} {answer.Error.Code}: {UserText.Excerpt(answer.Error.Message, 160)}"
                : $"HTTP {answer.StatusCode}: {UserText.Excerpt(answer.Message, 160)}";
            if (!answer.IsSignatureRefused)
            {
                return Failed(ConnectionTestCheck.Signature, ErrorIds.PlatformCertificateDownloadFailed,
                    $"GET {PlatformCertificateDownloader.PathAndQuery} was answered with {said}, so whether WeChat Pay accepts the signature is not known. "
                    + "Test again later; if it persists, check -BaseUri and the proxy, and quote the Request-ID to WeChat Pay support.");
            }

            if (clockFailed)
            {
                return NotChecked(ConnectionTestCheck.Signature,
                    $"Not known: WeChat Pay refused the request ({said}), as it refuses every request while the clocks are more than {RunHealth.AllowedClockSkew.TotalSeconds:0} s apart. "
                    + "The serial and the key are checked once the clock is right.");
            }

            if (WechatpayCodes.MeansSerialNumberRefused(answer.Error!))
            {
                return Failed(ConnectionTestCheck.Signature, ErrorIds.MerchantSerialNumberRejected,
                    $"WeChat Pay refused the serial number {serial} ({said}): it is not the serial of a merchant API certificate of merchant {merchantId}. "
                    + "Give the serial of the apiclient_cert.pem issued with the private key (openssl x509 -in apiclient_cert.pem -noout -serial), or -MerchantCertificatePath or -CertificatePath to read it from; check -MerchantId too.");
            }

            string clock = offset == null ? " The answer did not tell WeChat Pay's clock: if this machine's clock may be more than 5 minutes off, set it right first." : string.Empty;
            return Failed(ConnectionTestCheck.Signature, ErrorIds.SignatureRejected,
                $"WeChat Pay refused the signature ({said}): the private key from {_privateKeySource} is not the key of the merchant API certificate with serial {serial}, "
                + $"or that certificate is not merchant {merchantId}'s. Give the apiclient_key.pem issued with that certificate (or -CertificatePath apiclient_cert.p12, which holds both).{clock}");
        }

        private ConnectionTestCheck CheckWechatpayKey(WechatpayResponse response, VerificationResult verification, bool byListed, CertificateList list)
        {
            string serial = response.Signature?.Serial ?? string.Empty;
            string key = KeyName(serial);
            WechatpayKeyStore given = _keys;
            string known = given.Count == 0 ? "none was given" : "given: " + string.Join(", ", given.Serials);
            if (given.PublicKeyId != null && serial.Length > 0 && !WechatpayKeyStore.IsPublicKeyId(serial) && (byListed || verification.Status == VerificationStatus.UnknownSerial))
            {
                // Whether WeChat Pay signs the certificate list by the request's Wechatpay-Serial is not known: a list signed
                // otherwise leaves the public key untested (a run's answers follow the request's Wechatpay-Serial), or says
                // WeChat Pay does not know that id (then a run's answers would not verify). Only a permission query tells which.
                return new ConnectionTestCheck(ConnectionTestCheck.WechatpayKey, ConnectionCheckStatus.Warning,
                    $"WeChat Pay signed the certificate list with {key} ({known}), although the request named the WeChat Pay public key {given.PublicKeyId}: "
                    + "either WeChat Pay signs this list with its platform certificates whatever the request names, or it does not know that public key id, "
                    + "and then no answer of a run would verify. Check the id under Account Center > API Security, or give -AppId, -ServiceId and -OpenId of one user: "
                    + "the permission query's answer is signed with the key the request names.");
            }

            switch (verification.Status)
            {
                case VerificationStatus.Verified when !byListed:
                    return Passed(ConnectionTestCheck.WechatpayKey, $"WeChat Pay's answer verifies with {key}.");
                case VerificationStatus.Verified:
                    PlatformCertificate signer = list.Certificates!.First(c => string.Equals(c.SerialNumber, serial, StringComparison.OrdinalIgnoreCase));
                    return new ConnectionTestCheck(ConnectionTestCheck.WechatpayKey, ConnectionCheckStatus.Warning,
                        $"WeChat Pay's answer is signed with {key} ({known}), which verifies it and is in the certificate list, which decrypted with the APIv3 key: "
                        + $"a run trusts it on first use. Check its SHA-256 fingerprint {signer.Fingerprint} on the merchant platform, then keep it "
                        + "(Get-WxPayscorePlatformCertificate -OutputDirectory ./certs) and give it with -PlatformCertificatePath.");
                case VerificationStatus.UnknownSerial when given.Count == 0 && list.Problem != null:
                    return NotChecked(ConnectionTestCheck.WechatpayKey,
                        $"Not checked: WeChat Pay's answer is signed with {key}, which only the certificate list could vouch for, and the list did not open (see the ApiV3Key check).");
                case VerificationStatus.UnknownSerial:
                    string give = WechatpayKeyStore.IsPublicKeyId(serial)
                        ? $"Give that public key: -WechatpayPublicKeyId {serial} with its pub_key.pem (-WechatpayPublicKeyPath), from Account Center > API Security on the merchant platform."
                        : "Give that certificate with -PlatformCertificatePath (Get-WxPayscorePlatformCertificate downloads it), or -ApiV3Key, with which a run downloads it.";
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch, $"WeChat Pay's answer is signed with {key}, which is not among the WeChat Pay keys ({known}). {give}");
                case VerificationStatus.MissingHeaders when response.StatusCode != 200:
                    return NotChecked(ConnectionTestCheck.WechatpayKey,
                        $"Not checked: WeChat Pay's answer (HTTP {response.StatusCode}) is unsigned. Give -AppId, -ServiceId and -OpenId of one user: the permission query's answer is signed.");
                case VerificationStatus.MissingHeaders:
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch,
                        "The answer (HTTP 200) carries no WeChat Pay signature: something between this machine and WeChat Pay answered it (check -BaseUri and the proxy), or it was changed on the way.");
                case VerificationStatus.SignatureProbe:
                    return NotChecked(ConnectionTestCheck.WechatpayKey, "Not checked: WeChat Pay answered twice with a signature probe (WECHATPAY/SIGNTEST/), which never verifies. Test again.");
                default:
                    string which = WechatpayKeyStore.IsPublicKeyId(serial)
                        ? "the file given as the WeChat Pay public key (-WechatpayPublicKeyPath) is not the key of that id: download pub_key.pem again from Account Center > API Security"
                        : "the certificate given for that serial (-PlatformCertificatePath) is not that certificate: download it again with Get-WxPayscorePlatformCertificate";
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch,
                        $"WeChat Pay's answer names {key}, but does not verify with the key given for it: {which} (or the answer was changed on the way). {verification.Message}");
            }
        }

        private ConnectionTestCheck CheckApiV3Key(bool accepted, WechatpayKeyMode mode, CertificateList list)
        {
            if (_apiV3Key == null)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key,
                    "Not checked: no APIv3 key was given (-ApiV3Key or WXPAY_APIV3_KEY). Runs need it only to download platform certificates; ConvertFrom-WxPayscoreNotification needs it to decrypt notifications.");
            }

            if (!accepted)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key, NotAccepted);
            }

            if (mode == WechatpayKeyMode.PublicKey)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key,
                    "Not checked: WeChat Pay has no platform certificates for this merchant, so the APIv3 key could not be tried on them; it decrypts notifications (ConvertFrom-WxPayscoreNotification).");
            }

            if (list.Problem != null)
            {
                return Failed(ConnectionTestCheck.ApiV3Key, list.Problem.ErrorId, list.Problem.Message);
            }

            IReadOnlyList<PlatformCertificate> certificates = list.Certificates!;
            return Passed(ConnectionTestCheck.ApiV3Key,
                $"The APIv3 key decrypts the {certificates.Count} platform certificate{(certificates.Count == 1 ? string.Empty : "s")} listed ({string.Join(", ", certificates.Select(c => c.SerialNumber))}), each matching its entry.");
        }

        private ConnectionTestCheck CheckPermission(QueryAnswer query)
        {
            string target = _permission!.ToString();
            if (query.State != AuthorizationState.Unknown)
            {
                return Passed(ConnectionTestCheck.Permission,
                    $"WeChat Pay answered the permission query for {target}: {query.WechatpayState}. {WechatpayCodes.StateOf(query.WechatpayState).Description}");
            }

            WechatpayResponse? response = query.Response;
            if (response != null && response.Failure == TransportFailure.None && response.Verification.Status != VerificationStatus.MissingHeaders
                && !response.Verification.IsVerified && response.Verification.Status != VerificationStatus.SignatureProbe)
            {
                // The query names the public key (when one is given) in Wechatpay-Serial: its answer tests the keys a run verifies with.
                return Failed(ConnectionTestCheck.Permission, ErrorIds.WechatpayKeyMismatch,
                    $"WeChat Pay's answer to the permission query for {target} does not verify with the WeChat Pay keys given: {response.Verification.Message} "
                    + "Give the key it names: -WechatpayPublicKeyId with its pub_key.pem (-WechatpayPublicKeyPath) from Account Center > API Security, or -PlatformCertificatePath.");
            }

            return Failed(ConnectionTestCheck.Permission, ErrorIds.PermissionQueryFailed,
                $"The permission query for {target} failed: {query.Description}. Check that the service_id and the appid belong to merchant {_client.MerchantId} "
                + "(Pay Score service settings on the merchant platform), and that the openid is a user of that appid; quote the Request-ID to WeChat Pay support.");
        }

        private ConnectionTestResult Result(List<ConnectionTestCheck> checks, TimeSpan? offset, WechatpayKeyMode mode, string baseUri, List<string> requestIds, DateTimeOffset testedAt) =>
            new ConnectionTestResult(checks, offset, mode, _client.MerchantId, _client.SerialNumber, baseUri, requestIds, testedAt);

        private static void AddRequestId(List<string> requestIds, WechatpayResponse? response)
        {
            if (response?.RequestId != null)
            {
                requestIds.Add(response.RequestId);
            }
        }

        private static string KeyName(string serial) =>
            serial.Length == 0 ? "no key"
            : WechatpayKeyStore.IsPublicKeyId(serial) ? $"the WeChat Pay public key {UserText.Excerpt(serial)}"
            : $"the platform certificate {UserText.Excerpt(serial)}";

        private static ConnectionTestCheck Passed(string name, string message) => new ConnectionTestCheck(name, ConnectionCheckStatus.Passed, message);

        private static ConnectionTestCheck Failed(string name, string errorId, string message) => new ConnectionTestCheck(name, ConnectionCheckStatus.Failed, message, errorId);

        private static ConnectionTestCheck NotChecked(string name, string message) => new ConnectionTestCheck(name, ConnectionCheckStatus.NotChecked, message);

        /// <summary>The certificate list opened with the APIv3 key: its certificates and their keys (disposed with it), or why it did not open.</summary>
        private sealed class CertificateList : IDisposable
        {
            public CertificateList(IReadOnlyList<PlatformCertificate>? certificates, IReadOnlyDictionary<string, RSA>? keys, PayscoreException? problem)
            {
                Certificates = certificates;
                Keys = keys;
                Problem = problem;
            }

            public IReadOnlyList<PlatformCertificate>? Certificates { get; }

            public IReadOnlyDictionary<string, RSA>? Keys { get; }

            public PayscoreException? Problem { get; }

            public void Dispose()
            {
                foreach (RSA key in Keys?.Values ?? Enumerable.Empty<RSA>())
                {
                    key.Dispose();
                }
            }
        }
    }
}
