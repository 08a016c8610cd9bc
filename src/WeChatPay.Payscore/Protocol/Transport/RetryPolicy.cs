using System;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Which answers are worth another attempt and how long to wait first: exponential backoff with full jitter,
    /// so that many rows failing together do not come back together.
    /// </summary>
    internal sealed class RetryPolicy
    {
        private readonly Random _random;
        private readonly object _gate = new object();

        public RetryPolicy(int maxRetries, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, int? seed = null)
        {
            MaxRetries = maxRetries;
            BaseDelay = baseDelay ?? DefaultBaseDelay;
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(10);
            _random = seed.HasValue ? new Random(seed.Value) : new Random();
        }

        /// <summary>
        /// The first retry's wait when none is given: 200 ms. Fixed for the process: a test that shortens it does so for
        /// its own runspace's runs (Commands.RunOverrides), since other runspaces of the process may be running.
        /// </summary>
        public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(200);

        public int MaxRetries { get; }

        public TimeSpan BaseDelay { get; }

        public TimeSpan MaxDelay { get; }

        /// <summary>
        /// True for answers that say WeChat Pay did not do the work: 429 (rate limit), 500/502/503, and no
        /// connection. Never for other 4xx, a verified success, or (for a terminate) an answer that may hide a
        /// processed request: sending again would not change them, or would hide what happened. A query
        /// (<paramref name="idempotent"/>) changes nothing, so it also asks again whenever its answer was lost or
        /// cannot be trusted: a broken connection, a timeout, any answer that failed verification.
        /// </summary>
        public static bool IsRetryable(WechatpayResponse response, bool idempotent = false)
        {
            WechatpayAnswer answer = WechatpayAnswer.Of(response, idempotent ? 200 : 204);
            switch (answer.Kind)
            {
                case AnswerKind.NotSent:
                    return true;
                case AnswerKind.Lost:
                case AnswerKind.Untrusted:
                    // The request may have been processed: a query asks again, a terminate asks the query first.
                    return idempotent;
                case AnswerKind.Refused:
                    // Verified or unsigned: WeChat Pay's word. An unsigned refusal is not asked again (it would say the
                    // same), only a rate limit or a server fault is.
                    return answer.IsRateLimit || answer.IsServerFault;
                case AnswerKind.Unexpected:
                    // A signed answer that fails verification is not trusted to say "try again"; an unsigned one
                    // (a gateway's HTML 502) carries no signature to fail. A query asks again after any answer it cannot trust.
                    return ((answer.IsRateLimit || answer.IsServerFault) && (response.Verification.IsVerified || answer.IsUnsigned))
                        || (idempotent && !response.Verification.IsVerified);
                default:
                    return false;
            }
        }

        public static bool IsRateLimited(WechatpayResponse response) => WechatpayAnswer.Of(response, 0).IsRateLimit;

        /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry): up to base x 2^(retry-1), capped.</summary>
        public TimeSpan DelayBefore(int retry)
        {
            double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, retry - 1)));
            double jitter;
            lock (_gate)
            {
                jitter = _random.NextDouble();
            }

            // Half fixed, half random: never a zero wait, still spread out.
            return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * jitter)));
        }
    }
}
