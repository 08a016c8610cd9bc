using System;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Follows WeChat Pay's platform certificate rotation during a run: an answer signed by a platform serial the run
    /// does not know triggers one download of the certificates (rows that hit the same serial meanwhile wait for that
    /// same download; at most one starts a minute, the first of the run included), then the answer is verified again. WeChat Pay lists a new
    /// certificate about a day before it signs with it, so the download is verified by a certificate already trusted
    /// (or the public key), and a rotation costs no row.
    /// </summary>
    internal sealed class PlatformCertificateRefresher
    {
        public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);

        private readonly Func<Diagnostics?, CancellationToken, Task<PlatformCertificateDownload>> _download;
        private readonly WechatpayKeyStore _keys;
        private readonly ResponseVerifier _verifier;
        private readonly Func<DateTimeOffset> _clock;
        private readonly object _gate = new object();
        private Task<string>? _inFlight;
        private DateTimeOffset? _lastStarted;
        private int _downloads;

        public PlatformCertificateRefresher(
            Func<Diagnostics?, CancellationToken, Task<PlatformCertificateDownload>> download,
            WechatpayKeyStore keys,
            ResponseVerifier verifier,
            Func<DateTimeOffset>? clock = null)
        {
            _download = download;
            _keys = keys;
            _verifier = verifier;
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>Downloads started since the run began, the first one at start included.</summary>
        public int Downloads => Volatile.Read(ref _downloads);

        /// <summary>
        /// The first download of a run that trusts nothing yet: its certificates are trusted, and the download says how
        /// (<see cref="PlatformCertificateDownload.FirstUseWarning"/>). Throws <see cref="PayscoreException"/>.
        /// </summary>
        public async Task<PlatformCertificateDownload> LoadAsync(Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _lastStarted = _clock();
            }

            Interlocked.Increment(ref _downloads);
            PlatformCertificateDownload download = await _download(diagnostics, cancellationToken).ConfigureAwait(false);
            Trust(download);
            return download;
        }

        /// <summary>An answer signed by an unknown serial, verified again after a download when one is due (or under way).</summary>
        public async Task<WechatpayResponse> VerifyAgainAsync(WechatpayResponse response, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            SignatureHeaders? signature = response.Signature;
            if (signature?.Serial == null)
            {
                return response;
            }

            string outcome = await RefreshForAsync(signature.Serial, diagnostics, cancellationToken).ConfigureAwait(false);
            if (!_keys.Contains(signature.Serial))
            {
                return response.WithVerification(new VerificationResult(VerificationStatus.UnknownSerial, Messages.Format("Protocol.UnknownSerialAfterRefresh", response.Verification.Message, outcome)));
            }

            diagnostics?.Verbose.Add(Messages.Format("Protocol.RefreshedVerbose", signature.Serial, outcome));
            return response.WithVerification(_verifier.Verify(signature, response.Body));
        }

        /// <summary>Downloads unless <paramref name="serial"/> is known by now or a download started less than a minute ago; says what happened.</summary>
        public async Task<string> RefreshForAsync(string serial, Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            Task<string> download;
            TaskCompletionSource<string>? mine = null;
            lock (_gate)
            {
                if (_keys.Contains(serial))
                {
                    return Messages.Format("Protocol.RefreshBroughtByAnotherRow");
                }

                DateTimeOffset now = _clock();
                if (_inFlight != null)
                {
                    download = _inFlight;
                }
                else if (_lastStarted is DateTimeOffset last && now - last < MinInterval)
                {
                    return Messages.Format("Protocol.RefreshAtMostOnceAMinute", last, last + MinInterval);
                }
                else
                {
                    _lastStarted = now;
                    mine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _inFlight = download = mine.Task;
                }
            }

            if (mine != null)
            {
                try
                {
                    mine.SetResult(await DownloadAsync(diagnostics, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    mine.SetException(ex);
                }
                finally
                {
                    lock (_gate)
                    {
                        _inFlight = null;
                    }
                }
            }

            return await download.ConfigureAwait(false);
        }

        private async Task<string> DownloadAsync(Diagnostics? diagnostics, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _downloads);
            try
            {
                PlatformCertificateDownload download = await _download(diagnostics, cancellationToken).ConfigureAwait(false);
                Trust(download);
                return Messages.Format("Protocol.RefreshDownloaded", string.Join(", ", download.Certificates.Select(c => c.SerialNumber)), download.VouchedBy);
            }
            catch (PayscoreException ex)
            {
                return Messages.Format("Protocol.RefreshFailed", ex.ErrorId, ex.Message);
            }
        }

        /// <summary>Adds the download's certificates that have not expired to the keys answers are verified with.</summary>
        private void Trust(PlatformCertificateDownload download)
        {
            DateTimeOffset now = _clock();
            foreach (PlatformCertificate certificate in download.Certificates)
            {
                if (certificate.ExpireTime > now && download.Keys.TryGetValue(certificate.SerialNumber, out RSA? key))
                {
                    _keys.AddPlatformCertificate(certificate.SerialNumber, key);
                }
            }
        }
    }
}
