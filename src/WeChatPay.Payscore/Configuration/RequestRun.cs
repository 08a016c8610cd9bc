using System;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Configuration
{
    /// <summary>How a run sends: what the command's parameters and the runspace's overrides say.</summary>
    internal sealed class RunLimits
    {
        /// <summary>One request's time limit.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Requests in flight at once (the client keeps at least 2 connections, for a query beside a send).</summary>
        public int InFlight { get; set; } = 1;

        public int MaxRetries { get; set; }

        /// <summary>The run's rate ceiling; 0 for none.</summary>
        public double MaxRequestsPerSecond { get; set; }

        /// <summary>The first retry's wait.</summary>
        public TimeSpan RetryBaseDelay { get; set; } = RetryPolicy.DefaultBaseDelay;

        /// <summary>When the run is taken to have no chance.</summary>
        public RunHealthLimits Health { get; set; } = RunHealthLimits.Default;
    }

    /// <summary>
    /// The parts one run's requests go through, made once from the resolved credentials: the client (signing,
    /// verification, the platform certificate refresher when the merchant follows certificates) and the sender
    /// (retries, pacing, the backup host, run health). Knows nothing of PowerShell, so that every command, bulk or
    /// not, makes its run the same way.
    /// </summary>
    internal sealed class RequestRun : IDisposable
    {
        private RequestRun(ResolvedCredentials credentials, WechatpayClient client, RetryPolicy retries, ResilientSender sender)
        {
            Credentials = credentials;
            Client = client;
            Retries = retries;
            Sender = sender;
        }

        public ResolvedCredentials Credentials { get; }

        public WechatpayClient Client { get; }

        /// <summary>The retries of the run's requests (also how long a pause before asking again should be).</summary>
        public RetryPolicy Retries { get; }

        public ResilientSender Sender { get; }

        public static RequestRun Start(ResolvedCredentials credentials, RunLimits limits)
        {
            WechatpayClient client = credentials.CreateClient(limits.Timeout, Math.Max(2, limits.InFlight));
            var retries = new RetryPolicy(limits.MaxRetries, limits.RetryBaseDelay);
            var sender = new ResilientSender(
                client,
                retries,
                new AdaptiveRateLimiter(limits.MaxRequestsPerSecond),
                new HostSelector(credentials.BaseUri, credentials.BackupBaseUri),
                new RunHealth(limits.Health));
            return new RequestRun(credentials, client, retries, sender);
        }

        /// <summary>
        /// A run given only an APIv3 key to verify with downloads the platform certificates before its first request
        /// (trusting them on first use, which the download's warning says); null when the run has keys to verify with
        /// already. A failed download throws its configuration error, before anything is sent.
        /// </summary>
        public async Task<PlatformCertificateDownload?> TrustPlatformCertificatesAsync(CancellationToken cancellationToken)
        {
            if (Client.Refresher == null || Credentials.WechatpayKeys.Count > 0)
            {
                return null;
            }

            return await Client.Refresher.LoadAsync(null, cancellationToken).ConfigureAwait(false);
        }

        public void Dispose() => Client.Dispose();
    }
}
