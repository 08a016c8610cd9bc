using System;
using System.Collections.Generic;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>When a run is taken to have no chance: how long and how many requests in a row.</summary>
    internal sealed class RunHealthLimits
    {
        /// <summary>30 s and 8 requests without an answer; 20 signatures refused in a row.</summary>
        public static readonly RunHealthLimits Default = new RunHealthLimits(TimeSpan.FromSeconds(30), 8, 20);

        public RunHealthLimits(TimeSpan unreachableAfter, int unansweredRequests, int refusedSignatures)
        {
            UnreachableAfter = unreachableAfter;
            UnansweredRequests = Math.Max(1, unansweredRequests);
            RefusedSignatures = Math.Max(1, refusedSignatures);
        }

        /// <summary>No request has had an answer for this long...</summary>
        public TimeSpan UnreachableAfter { get; }

        /// <summary>...and at least this many requests in a row have had none.</summary>
        public int UnansweredRequests { get; }

        /// <summary>This many answers in a row are 401 SIGN_ERROR.</summary>
        public int RefusedSignatures { get; }
    }

    /// <summary>Why a run cannot go on, with what was seen.</summary>
    internal sealed class RunStop
    {
        public RunStop(string errorId, DateTimeOffset since, int requests, IReadOnlyCollection<string> hosts, string lastFailure, TimeSpan? clockSkew = null)
        {
            ErrorId = errorId;
            Since = since;
            Requests = requests;
            Hosts = hosts;
            LastFailure = lastFailure;
            ClockSkew = clockSkew;
        }

        /// <summary><see cref="ErrorIds.WechatpayUnreachable"/> or <see cref="ErrorIds.SignatureRejected"/>.</summary>
        public string ErrorId { get; }

        /// <summary>When the first request of the streak came back without an answer, or refused.</summary>
        public DateTimeOffset Since { get; }

        /// <summary>Requests in a row that had no answer, or whose signature was refused.</summary>
        public int Requests { get; }

        /// <summary>Scheme, host and port of each host the streak's requests went to.</summary>
        public IReadOnlyCollection<string> Hosts { get; }

        /// <summary>The last failure, in words: the network error, or WeChat Pay's message.</summary>
        public string LastFailure { get; }

        /// <summary>For refused signatures: how far this computer's clock is ahead of WeChat Pay's (negative: behind), when the answers say.</summary>
        public TimeSpan? ClockSkew { get; }

        /// <summary>
        /// The terminating error's message: what happened since when, the likely cause, where the run stopped
        /// (<paramref name="lastRow"/>, the last row taken in), and how to go on.
        /// </summary>
        public string Describe(long lastRow, long failedInARow, long? expectedRows, string? journalPath, string merchantId, string serialNumber, DateTimeOffset now)
        {
            bool unreachable = ErrorId == ErrorIds.WechatpayUnreachable;
            string rowsKept = expectedRows > lastRow
                ? Messages.Format("Answer.StopRowsNotReadAndKept", UserText.Count(expectedRows.Value), UserText.Count(expectedRows.Value - lastRow))
                : Messages.Format("Answer.StopRowsKept");
            string again = (unreachable, journalPath != null) switch
            {
                (true, true) => Messages.Format("Answer.StopResumeWhenReachable", journalPath),
                (true, false) => Messages.Format("Answer.StopResendWhenReachable", UserText.Count(lastRow)),
                (false, true) => Messages.Format("Answer.StopResumeWhenFixed", journalPath),
                (false, false) => Messages.Format("Answer.StopResendWhenFixed", UserText.Count(lastRow)),
            };
            return unreachable
                ? Messages.Format(
                    "Answer.StopUnreachable",
                    Since.UtcDateTime,
                    (now - Since).TotalSeconds,
                    Requests,
                    UserText.List(Hosts),
                    LastFailure,
                    UserText.Count(lastRow),
                    UserText.Count(failedInARow),
                    rowsKept,
                    again)
                : Messages.Format(
                    "Answer.StopSignatureRefused",
                    Requests,
                    Since.UtcDateTime,
                    UserText.Excerpt(LastFailure),
                    LikelyCause(merchantId, serialNumber),
                    UserText.Count(lastRow),
                    UserText.Count(failedInARow),
                    rowsKept,
                    again);
        }

        private string LikelyCause(string merchantId, string serialNumber)
        {
            if (ClockSkew is TimeSpan skew && skew.Duration() > RunHealth.AllowedClockSkew)
            {
                return skew > TimeSpan.Zero
                    ? Messages.Format("Answer.CauseClockAhead", skew.Duration().TotalSeconds, RunHealth.AllowedClockSkew.TotalSeconds)
                    : Messages.Format("Answer.CauseClockBehind", skew.Duration().TotalSeconds, RunHealth.AllowedClockSkew.TotalSeconds);
            }

            return Messages.Format("Answer.CauseWrongKey", serialNumber, merchantId);
        }
    }

    /// <summary>
    /// Watches every request of a run for the two failures that no retry and no other row gets past: nothing answers
    /// (neither the base URI nor the backup host connects, or nothing comes back in time) for a sustained time, and
    /// WeChat Pay refuses the signature of every request (a clock far off, a wrong key or serial). A few failures
    /// never stop a run: the unreachable rule needs both the time and the count, and any answer starts it over.
    /// Requests on any thread report to it; once it has a <see cref="Verdict"/>, it keeps it.
    /// </summary>
    internal sealed class RunHealth
    {
        /// <summary>WeChat Pay refuses a request timestamp more than this far from its own clock.</summary>
        public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromSeconds(300);

        private readonly object _gate = new object();
        private readonly RunHealthLimits _limits;
        private readonly Func<DateTimeOffset> _clock;
        private readonly HashSet<string> _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private DateTimeOffset? _unansweredSince;
        private int _unanswered;
        private DateTimeOffset? _refusedSince;
        private int _refused;
        private RunStop? _verdict;

        public RunHealth(RunHealthLimits? limits = null, Func<DateTimeOffset>? clock = null)
        {
            _limits = limits ?? RunHealthLimits.Default;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>Null while the run may go on; then why it cannot.</summary>
        public RunStop? Verdict
        {
            get
            {
                lock (_gate)
                {
                    return _verdict;
                }
            }
        }

        /// <summary>What one request to <paramref name="host"/> brought back.</summary>
        public void Observe(WechatpayResponse response, Uri host)
        {
            lock (_gate)
            {
                if (_verdict != null)
                {
                    return;
                }

                DateTimeOffset now = _clock();
                if (response.Failure == TransportFailure.ConnectFailed || response.Failure == TransportFailure.Timeout)
                {
                    ObserveUnanswered(response, host, now);
                    return;
                }

                // Connected (a connection that broke after sending was made all the same): WeChat Pay is there.
                _unansweredSince = null;
                _unanswered = 0;
                _hosts.Clear();
                if (response.Failure == TransportFailure.None)
                {
                    ObserveAnswer(response, host, now);
                }
            }
        }

        private void ObserveUnanswered(WechatpayResponse response, Uri host, DateTimeOffset now)
        {
            _unansweredSince ??= now;
            _unanswered++;
            _hosts.Add(UriText.Quote(host));
            if (_unanswered >= _limits.UnansweredRequests && now - _unansweredSince.Value >= _limits.UnreachableAfter)
            {
                _verdict = new RunStop(ErrorIds.WechatpayUnreachable, _unansweredSince.Value, _unanswered, Sorted(_hosts), response.FailureMessage ?? response.Failure.ToString());
            }
        }

        private void ObserveAnswer(WechatpayResponse response, Uri host, DateTimeOffset now)
        {
            WechatpayAnswer answer = WechatpayAnswer.Of(response, 0);
            if (!answer.IsSignatureRefused || !(answer.Error is ErrorBody error))
            {
                _refusedSince = null;
                _refused = 0;
                return;
            }

            // Whether or not the refusal itself verifies: with the clock far off, WeChat Pay's answers look stale too.
            _refusedSince ??= now;
            _refused++;
            if (_refused >= _limits.RefusedSignatures)
            {
                TimeSpan? skew = response.ServerTime.HasValue ? now - response.ServerTime.Value : (TimeSpan?)null;
                _verdict = new RunStop(ErrorIds.SignatureRejected, _refusedSince.Value, _refused, new[] { UriText.Quote(host) }, error.Message, skew);
            }
        }

        private static string[] Sorted(HashSet<string> hosts)
        {
            var sorted = new string[hosts.Count];
            hosts.CopyTo(sorted);
            Array.Sort(sorted, StringComparer.OrdinalIgnoreCase);
            return sorted;
        }
    }
}
