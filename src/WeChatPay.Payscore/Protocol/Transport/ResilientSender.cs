using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>What one request took: its last answer and how many attempts it needed.</summary>
    internal sealed class SentRequest
    {
        public SentRequest(WechatpayResponse response, int attempts)
        {
            Response = response;
            Attempts = attempts;
        }

        public WechatpayResponse Response { get; }

        public int Attempts { get; }
    }

    /// <summary>
    /// Sends one request as often as it takes: waits its turn at the run's rate, retries what is worth retrying
    /// with backoff, goes to the backup host when the base URI cannot be reached, and slows the whole run when
    /// WeChat Pay limits its rate. Every attempt is signed afresh (new nonce, timestamp and signature) by the
    /// client, and reported to the run's health: once the run has no chance, nothing is retried.
    /// </summary>
    internal sealed class ResilientSender
    {
        private readonly WechatpayClient _client;
        private readonly RetryPolicy _retries;
        private readonly AdaptiveRateLimiter _rate;
        private readonly HostSelector _hosts;

        public ResilientSender(WechatpayClient client, RetryPolicy retries, AdaptiveRateLimiter rate, HostSelector hosts, RunHealth? health = null)
        {
            _client = client;
            _retries = retries;
            _rate = rate;
            _hosts = hosts;
            Health = health ?? new RunHealth();
        }

        public RunHealth Health { get; }

        /// <param name="maxAttempts">At most this many requests; the retry policy's own limit when null.</param>
        public async Task<SentRequest> SendAsync(HttpMethod method, string pathAndQuery, byte[] body, Diagnostics? diagnostics, CancellationToken cancellationToken, int? maxAttempts = null)
        {
            int limit = Math.Min(maxAttempts ?? int.MaxValue, _retries.MaxRetries + 1);
            bool idempotent = method == HttpMethod.Get;
            Uri? unreachable = null;
            for (int attempt = 1; ; attempt++)
            {
                long epoch = await _rate.WaitAsync(cancellationToken).ConfigureAwait(false);
                Uri host = _hosts.Choose(unreachable);
                WechatpayResponse response = await _client.SendAsync(method, pathAndQuery, body, diagnostics, cancellationToken, host).ConfigureAwait(false);
                Health.Observe(response, host);

                unreachable = null;
                if (response.Failure == TransportFailure.ConnectFailed)
                {
                    unreachable = host;
                    _hosts.ConnectFailed(host);
                }
                else if (response.Failure == TransportFailure.None)
                {
                    Describe(_rate.Answered(epoch, RetryPolicy.IsRateLimited(response), response.RetryAfter), diagnostics);
                }

                if (attempt >= limit || !RetryPolicy.IsRetryable(response, idempotent) || Health.Verdict != null)
                {
                    return new SentRequest(response, attempt);
                }

                TimeSpan wait = _retries.DelayBefore(attempt);
                diagnostics?.Verbose.Add(unreachable != null && _hosts.Backup != null
                    ? Messages.Format("Answer.RetryingOnHost", attempt, limit, Describe(response), UriText.Quote(_hosts.Choose(unreachable)), wait.TotalMilliseconds)
                    : Messages.Format("Answer.Retrying", attempt, limit, Describe(response), wait.TotalMilliseconds));
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        private static void Describe(PacingChange change, Diagnostics? diagnostics)
        {
            if (diagnostics == null)
            {
                return;
            }

            if (change.Hold > TimeSpan.Zero)
            {
                diagnostics.Verbose.Add(Messages.Format("Answer.RetryAfterHold", change.Hold.TotalSeconds));
            }

            switch (change.Decision)
            {
                case PacingDecision.Slowed:
                    diagnostics.Verbose.Add(Messages.Format("Answer.RateSlowed", change.Rate));
                    break;
                case PacingDecision.Settled:
                    diagnostics.Verbose.Add(Messages.Format("Answer.RateSettled", change.Rate));
                    break;
                case PacingDecision.Restored:
                    diagnostics.Verbose.Add(Messages.Format("Answer.RateRestored", change.TriedRate, Rate(change.Rate)));
                    break;
                case PacingDecision.Raised:
                    diagnostics.Verbose.Add(double.IsPositiveInfinity(change.Rate)
                        ? Messages.Format("Answer.RateRaisedToFullSpeed")
                        : Messages.Format("Answer.RateRaised", change.Rate));
                    break;
            }
        }

        private static string Rate(double rate) =>
            double.IsPositiveInfinity(rate) ? Messages.Format("Answer.FullSpeed") : Messages.Format("Answer.RequestsPerSecond", rate);

        private static string Describe(WechatpayResponse response) =>
            response.Failure != TransportFailure.None ? response.FailureMessage ?? response.Failure.ToString()
            : response.Verification.IsVerified ? $"HTTP {response.StatusCode}"
            : Messages.Format("Answer.AttemptNotVerified", response.StatusCode, response.Verification.Message);
    }
}
