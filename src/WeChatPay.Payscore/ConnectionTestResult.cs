using System;
using System.Collections.Generic;
using System.Linq;

namespace WeChatPay.Payscore
{
    /// <summary>Which WeChat Pay keys sign the merchant's answers, as far as Test-WxPayscoreConnection could tell.</summary>
    public enum WechatpayKeyMode
    {
        /// <summary>No answer told (WeChat Pay was not reached, or refused the request).</summary>
        Unknown,

        /// <summary>Only the WeChat Pay public key (PUB_KEY_ID_...): GET /v3/certificates answered 404, no platform certificates.</summary>
        PublicKey,

        /// <summary>Platform certificates: the certificate list came signed with one of them.</summary>
        PlatformCertificates,

        /// <summary>Both: platform certificates are listed, and the public key signs (a merchant moving to the public key).</summary>
        Both,
    }

    /// <summary>How one check of Test-WxPayscoreConnection came out.</summary>
    public enum ConnectionCheckStatus
    {
        Passed,

        /// <summary>Works today, but needs attention (a clock more than 60 s off, a certificate trusted on first use).</summary>
        Warning,

        /// <summary>A run would fail: the check's ErrorId is in the result's Problems.</summary>
        Failed,

        /// <summary>Not checked: an earlier check failed, or what it needs was not given; the message says which.</summary>
        NotChecked,
    }

    /// <summary>One check of Test-WxPayscoreConnection: its name, how it came out and, in words, what to fix.</summary>
    public sealed class ConnectionTestCheck
    {
        /// <summary>WeChat Pay answered at all (the base URI, the proxy, the network).</summary>
        public const string Connection = "Connection";

        /// <summary>WeChat Pay's clock and this machine's are close enough.</summary>
        public const string Clock = "Clock";

        /// <summary>WeChat Pay accepted the request's merchant id, serial number and signature (the private key).</summary>
        public const string Signature = "Signature";

        /// <summary>WeChat Pay's answer verifies with the WeChat Pay public key or platform certificates given.</summary>
        public const string WechatpayKey = "WechatpayKey";

        /// <summary>The APIv3 key decrypts the platform certificate list.</summary>
        public const string ApiV3Key = "ApiV3Key";

        /// <summary>WeChat Pay answers the permission query of -AppId, -ServiceId and -OpenId.</summary>
        public const string Permission = "Permission";

        internal ConnectionTestCheck(string name, ConnectionCheckStatus status, string message, string? errorId = null)
        {
            Name = name;
            Status = status;
            Message = message;
            ErrorId = errorId;
        }

        /// <summary>Connection, Clock, Signature, WechatpayKey, ApiV3Key or Permission.</summary>
        public string Name { get; }

        public ConnectionCheckStatus Status { get; }

        /// <summary>The module's error id of a failed check (one of the result's Problems); empty otherwise.</summary>
        public string? ErrorId { get; }

        /// <summary>What was found and, when it is not right, what to fix. Never key material.</summary>
        public string Message { get; }

        public override string ToString() => $"{Name}: {Status}";
    }

    /// <summary>
    /// What Test-WxPayscoreConnection found: whether a run with these settings would be accepted by WeChat Pay and
    /// verify its answers, each check with what to fix, WeChat Pay's clock against this machine's, and which WeChat Pay
    /// keys sign the answers.
    /// </summary>
    public sealed class ConnectionTestResult
    {
        internal ConnectionTestResult(
            IReadOnlyList<ConnectionTestCheck> checks,
            TimeSpan? clockOffset,
            WechatpayKeyMode mode,
            string merchantId,
            string merchantSerialNumber,
            string baseUri,
            IReadOnlyList<string> requestIds,
            DateTimeOffset testedAt)
        {
            Checks = checks.ToArray();
            Problems = checks.Where(c => c.Status == ConnectionCheckStatus.Failed && c.ErrorId != null).Select(c => c.ErrorId!).Distinct(StringComparer.Ordinal).ToArray();
            Passed = Problems.Length == 0;
            ClockOffset = clockOffset;
            Mode = mode;
            MerchantId = merchantId;
            MerchantSerialNumber = merchantSerialNumber;
            BaseUri = baseUri;
            RequestIds = requestIds.ToArray();
            TestedAt = testedAt;
        }

        /// <summary>True when no check failed: WeChat Pay accepts these settings and its answers verify (warnings aside).</summary>
        public bool Passed { get; }

        /// <summary>
        /// WeChat Pay's clock minus this machine's, in whole seconds (positive: WeChat Pay is ahead), read from the
        /// answer's signed Wechatpay-Timestamp, else from its Date header; empty when no answer told it.
        /// </summary>
        public TimeSpan? ClockOffset { get; }

        /// <summary>Which WeChat Pay keys sign the answers: PublicKey, PlatformCertificates, Both, or Unknown.</summary>
        public WechatpayKeyMode Mode { get; }

        /// <summary>The error ids of the failed checks, in the order checked; empty when Passed.</summary>
        public string[] Problems { get; }

        /// <summary>Every check, passed or not, with its message.</summary>
        public ConnectionTestCheck[] Checks { get; }

        public string MerchantId { get; }

        /// <summary>The serial the requests were signed with.</summary>
        public string MerchantSerialNumber { get; }

        /// <summary>Scheme, host and port of the address tested.</summary>
        public string BaseUri { get; }

        /// <summary>The Request-ID of each answer, for WeChat Pay support.</summary>
        public string[] RequestIds { get; }

        public DateTimeOffset TestedAt { get; }

        public override string ToString() => Passed ? "Passed" : "Failed: " + string.Join(", ", Problems);
    }
}
