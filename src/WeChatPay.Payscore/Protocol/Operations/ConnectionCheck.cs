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
                // The message ends the failure's sentence with a full stop of its own language.
                checks.Add(Failed(ConnectionTestCheck.Connection, ErrorIds.WechatpayUnreachable,
                    Messages.Format("Check.NoAnswer", baseUri, failure.TrimEnd('.', '。', ' '))));
                foreach (string name in new[] { ConnectionTestCheck.Clock, ConnectionTestCheck.Signature, ConnectionTestCheck.WechatpayKey, ConnectionTestCheck.ApiV3Key, ConnectionTestCheck.Permission })
                {
                    checks.Add(NotChecked(name, Messages.Format("Check.NotCheckedNoAnswer")));
                }

                return Result(checks, null, WechatpayKeyMode.Unknown, baseUri, requestIds, testedAt);
            }

            checks.Add(Passed(ConnectionTestCheck.Connection, Messages.Format("Check.Answered",
                PlatformCertificateDownloader.PathAndQuery, baseUri, response.StatusCode, response.RequestId ?? Messages.Format("Check.NoRequestId"))));
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
                checks.Add(accepted ? CheckWechatpayKey(response, verification, byListed, list) : NotChecked(ConnectionTestCheck.WechatpayKey, Messages.Format("Check.NotCheckedNotAccepted")));
                checks.Add(CheckApiV3Key(accepted, mode, list));
                if (_permission == null || !accepted || clockFailed)
                {
                    checks.Add(NotChecked(ConnectionTestCheck.Permission, _permission == null
                        ? Messages.Format("Check.NotCheckedNoPermissionQuery")
                        : Messages.Format("Check.NotCheckedNotAccepted")));
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
                source = Messages.Format("Check.ClockBySignedTimestamp");
            }
            else
            {
                server = response.Date;
                source = Messages.Format("Check.ClockByDateHeader");
            }

            if (server == null)
            {
                return (null, NotChecked(ConnectionTestCheck.Clock, Messages.Format("Check.NotCheckedNoTime")));
            }

            // Both carry whole seconds: the answer was stamped half a second after its time, on average.
            TimeSpan offset = TimeSpan.FromSeconds(Math.Round((server.Value.AddMilliseconds(500) - answeredAt).TotalSeconds));
            long off = (long)Math.Abs(offset.TotalSeconds);
            // Whole seconds on both sides: a second either way is as close as the answer can tell.
            string clocks = off <= 1 ? Messages.Format("Check.ClocksAgree", source)
                : offset > TimeSpan.Zero ? Messages.Format("Check.ClockAhead", off, source)
                : Messages.Format("Check.ClockBehind", off, source);
            long allowed = (long)RunHealth.AllowedClockSkew.TotalSeconds;
            if (offset.Duration() > RunHealth.AllowedClockSkew)
            {
                return (offset, Failed(ConnectionTestCheck.Clock, ErrorIds.ClockOffsetTooLarge, Messages.Format("Check.ClockTooFarOff", clocks, allowed)));
            }

            if (offset.Duration() > ClockWarning)
            {
                return (offset, new ConnectionTestCheck(ConnectionTestCheck.Clock, ConnectionCheckStatus.Warning,
                    Messages.Format("Check.ClockDrifting", clocks, allowed, allowed - off)));
            }

            return (offset, Passed(ConnectionTestCheck.Clock, Messages.Format("Check.ClockClose", clocks, allowed)));
        }

        private ConnectionTestCheck CheckSignature(WechatpayAnswer answer, bool accepted, bool clockFailed, TimeSpan? offset)
        {
            string merchantId = _client.MerchantId;
            string serial = _client.SerialNumber;
            if (accepted)
            {
                return Passed(ConnectionTestCheck.Signature, Messages.Format("Check.SignatureAccepted", merchantId, serial, _privateKeySource));
            }

            // WeChat Pay's own words when it gave any (the classifier's sentence would also say the refusal is unverified).
            string said = answer.Error != null
                ? $"HTTP {answer.StatusCode} {answer.Error.Code}: {UserText.Excerpt(answer.Error.Message, 160)}"
                : $"HTTP {answer.StatusCode}: {UserText.Excerpt(answer.Message, 160)}";
            if (!answer.IsSignatureRefused)
            {
                return Failed(ConnectionTestCheck.Signature, ErrorIds.PlatformCertificateDownloadFailed,
                    Messages.Format("Check.SignatureUnknown", PlatformCertificateDownloader.PathAndQuery, said));
            }

            if (clockFailed)
            {
                return NotChecked(ConnectionTestCheck.Signature,
                    Messages.Format("Check.SignatureRefusedForClock", said, (long)RunHealth.AllowedClockSkew.TotalSeconds));
            }

            if (WechatpayCodes.MeansSerialNumberRefused(answer.Error!))
            {
                return Failed(ConnectionTestCheck.Signature, ErrorIds.MerchantSerialNumberRejected,
                    Messages.Format("Check.SerialRefused", serial, said, merchantId));
            }

            return Failed(ConnectionTestCheck.Signature, ErrorIds.SignatureRejected, offset == null
                ? Messages.Format("Check.SignatureRefusedClockUnknown", said, _privateKeySource, serial, merchantId)
                : Messages.Format("Check.SignatureRefused", said, _privateKeySource, serial, merchantId));
        }

        private ConnectionTestCheck CheckWechatpayKey(WechatpayResponse response, VerificationResult verification, bool byListed, CertificateList list)
        {
            string serial = response.Signature?.Serial ?? string.Empty;
            string key = KeyName(serial);
            WechatpayKeyStore given = _keys;
            string known = given.Count == 0 ? Messages.Format("Check.KeysGivenNone") : Messages.Format("Check.KeysGiven", string.Join(", ", given.Serials));
            if (given.PublicKeyId != null && serial.Length > 0 && !WechatpayKeyStore.IsPublicKeyId(serial) && (byListed || verification.Status == VerificationStatus.UnknownSerial))
            {
                // Whether WeChat Pay signs the certificate list by the request's Wechatpay-Serial is not known: a list signed
                // otherwise leaves the public key untested (a run's answers follow the request's Wechatpay-Serial), or says
                // WeChat Pay does not know that id (then a run's answers would not verify). Only a permission query tells which.
                return new ConnectionTestCheck(ConnectionTestCheck.WechatpayKey, ConnectionCheckStatus.Warning,
                    Messages.Format("Check.ListSignedDespitePublicKey", key, known, given.PublicKeyId));
            }

            switch (verification.Status)
            {
                case VerificationStatus.Verified when !byListed:
                    return Passed(ConnectionTestCheck.WechatpayKey, Messages.Format("Check.AnswerVerifies", key));
                case VerificationStatus.Verified:
                    PlatformCertificate signer = list.Certificates!.First(c => string.Equals(c.SerialNumber, serial, StringComparison.OrdinalIgnoreCase));
                    return new ConnectionTestCheck(ConnectionTestCheck.WechatpayKey, ConnectionCheckStatus.Warning,
                        Messages.Format("Check.TrustedOnFirstUse", key, known, signer.Fingerprint));
                case VerificationStatus.UnknownSerial when given.Count == 0 && list.Problem != null:
                    return NotChecked(ConnectionTestCheck.WechatpayKey, Messages.Format("Check.NotCheckedListDidNotOpen", key));
                case VerificationStatus.UnknownSerial:
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch, WechatpayKeyStore.IsPublicKeyId(serial)
                        ? Messages.Format("Check.SignedByPublicKeyNotGiven", key, known, serial)
                        : Messages.Format("Check.SignedByCertificateNotGiven", key, known));
                case VerificationStatus.MissingHeaders when response.StatusCode != 200:
                    return NotChecked(ConnectionTestCheck.WechatpayKey, Messages.Format("Check.NotCheckedUnsigned", response.StatusCode));
                case VerificationStatus.MissingHeaders:
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch, Messages.Format("Check.UnsignedSuccess"));
                case VerificationStatus.SignatureProbe:
                    return NotChecked(ConnectionTestCheck.WechatpayKey, Messages.Format("Check.NotCheckedTwoProbes"));
                default:
                    return Failed(ConnectionTestCheck.WechatpayKey, ErrorIds.WechatpayKeyMismatch, WechatpayKeyStore.IsPublicKeyId(serial)
                        ? Messages.Format("Check.PublicKeyDoesNotVerify", key, verification.Message)
                        : Messages.Format("Check.CertificateDoesNotVerify", key, verification.Message));
            }
        }

        private ConnectionTestCheck CheckApiV3Key(bool accepted, WechatpayKeyMode mode, CertificateList list)
        {
            if (_apiV3Key == null)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key, Messages.Format("Check.NotCheckedNoApiV3Key"));
            }

            if (!accepted)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key, Messages.Format("Check.NotCheckedNotAccepted"));
            }

            if (mode == WechatpayKeyMode.PublicKey)
            {
                return NotChecked(ConnectionTestCheck.ApiV3Key, Messages.Format("Check.NotCheckedNoPlatformCertificates"));
            }

            if (list.Problem != null)
            {
                return Failed(ConnectionTestCheck.ApiV3Key, list.Problem.ErrorId, list.Problem.Message);
            }

            IReadOnlyList<PlatformCertificate> certificates = list.Certificates!;
            string serials = string.Join(", ", certificates.Select(c => c.SerialNumber));
            return Passed(ConnectionTestCheck.ApiV3Key, certificates.Count == 1
                ? Messages.Format("Check.ApiV3KeyDecryptsOne", serials)
                : Messages.Format("Check.ApiV3KeyDecryptsMany", certificates.Count, serials));
        }

        private ConnectionTestCheck CheckPermission(QueryAnswer query)
        {
            string target = _permission!.ToString();
            if (query.State != AuthorizationState.Unknown)
            {
                return Passed(ConnectionTestCheck.Permission,
                    Messages.Format("Check.PermissionAnswered", target, query.WechatpayState, WechatpayCodes.StateOf(query.WechatpayState).Description));
            }

            WechatpayResponse? response = query.Response;
            if (response != null && response.Failure == TransportFailure.None && response.Verification.Status != VerificationStatus.MissingHeaders
                && !response.Verification.IsVerified && response.Verification.Status != VerificationStatus.SignatureProbe)
            {
                // The query names the public key (when one is given) in Wechatpay-Serial: its answer tests the keys a run verifies with.
                return Failed(ConnectionTestCheck.Permission, ErrorIds.WechatpayKeyMismatch,
                    Messages.Format("Check.PermissionAnswerDoesNotVerify", target, response.Verification.Message));
            }

            return Failed(ConnectionTestCheck.Permission, ErrorIds.PermissionQueryFailed,
                Messages.Format("Check.PermissionQueryFailed", target, query.Description, _client.MerchantId));
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
            serial.Length == 0 ? Messages.Format("Check.NoKey")
            : WechatpayKeyStore.IsPublicKeyId(serial) ? Messages.Format("Protocol.WechatpayPublicKeyNamed", UserText.Excerpt(serial))
            : Messages.Format("Check.PlatformCertificateNamed", UserText.Excerpt(serial));

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
