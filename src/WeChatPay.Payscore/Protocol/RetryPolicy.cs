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
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(10);
            _random = seed.HasValue ? new Random(seed.Value) : new Random();
        }

        public int MaxRetries { get; }

        public TimeSpan BaseDelay { get; }

        public TimeSpan MaxDelay { get; }

        /// <summary>
        /// True for answers that say WeChat Pay did not do the work: 429 (rate limit), 500/502/503, and no
        /// connection; a connection that broke after sending only for <paramref name="idempotent"/> requests. Never for other 4xx, a verified success, or an answer that failed
        /// verification: sending again would not change them, or would hide what happened.
        /// </summary>
        public static bool IsRetryable(WechatpayResponse response, bool idempotent = false)
        {
            switch (response.Failure)
            {
                case TransportFailure.ConnectFailed:
                    return true;
                case TransportFailure.Network:
                    // The request may have been processed: a query can send again, a terminate asks first.
                    return idempotent;
                case TransportFailure.Timeout:
                    return false;
            }

            int status = response.StatusCode;
            if (status == 429 || status == 500 || status == 502 || status == 503)
            {
                // A signed answer that fails verification is not trusted to say "try again"; an unsigned one
                // (a gateway's HTML 502) carries no signature to fail.
                return response.Verification.IsVerified || response.Verification.Status == VerificationStatus.MissingHeaders;
            }

            return false;
        }

        public static bool IsRateLimited(WechatpayResponse response) => response.Failure == TransportFailure.None && response.StatusCode == 429;

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
