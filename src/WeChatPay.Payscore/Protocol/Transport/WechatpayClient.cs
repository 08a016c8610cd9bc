using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using WeChatPay.Payscore.Platform;

namespace WeChatPay.Payscore.Protocol
{
    /// <summary>
    /// Sends signed APIv3 requests and verifies every answer. One instance (one HttpClient, one
    /// connection pool) serves a whole run.
    /// </summary>
    internal sealed class WechatpayClient : IDisposable
    {
        private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json");

        private readonly HttpClient _http;
        private readonly RequestSigner _signer;
        private readonly ResponseVerifier _verifier;
        private readonly WechatpayClientOptions _options;
        private readonly string? _publicKeyId;

        public WechatpayClient(
            WechatpayClientOptions options,
            RequestSigner signer,
            ResponseVerifier verifier,
            string? publicKeyId,
            HttpMessageHandler? handler = null)
        {
            _options = options;
            _signer = signer;
            _verifier = verifier;
            _publicKeyId = publicKeyId;
            _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
            {
                // Each request gets its own deadline (options.Timeout) so that a timeout can be told
                // apart from a cancellation by the user.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
        }

        public Uri BaseUri => _options.BaseUri;

        public string SerialNumber => _signer.SerialNumber;

        public string MerchantId => _signer.MerchantId;

        public static HttpMessageHandler CreateHandler(WechatpayClientOptions options)
        {
            var handler = new HttpClientHandler
            {
                // A redirect would carry a signed request to a host nobody chose.
                AllowAutoRedirect = false,
                UseCookies = false,
            };

            if (options.Proxy != null)
            {
                handler.UseProxy = true;
                handler.Proxy = new WebProxy(options.Proxy) { BypassProxyOnLocal = false, Credentials = options.ProxyCredential };
            }
            else if (options.ProxyCredential != null)
            {
                handler.DefaultProxyCredentials = options.ProxyCredential;
            }

            PlatformSupport.RaiseConnectionLimit(options.BaseUri, options.MaxConnectionsPerServer);
            if (options.BackupBaseUri != null)
            {
                PlatformSupport.RaiseConnectionLimit(options.BackupBaseUri, options.MaxConnectionsPerServer);
            }

            return handler;
        }

        /// <summary>
        /// Set when platform certificates are downloaded with the APIv3 key: an answer signed by a platform serial the
        /// run does not know yet is verified again once the certificates are fetched (a rotation), rather than refused.
        /// </summary>
        public PlatformCertificateRefresher? Refresher { get; set; }

        public async Task<WechatpayResponse> SendAsync(
            HttpMethod method,
            string pathAndQuery,
            byte[] body,
            Diagnostics? diagnostics,
            CancellationToken cancellationToken,
            Uri? host = null)
        {
            WechatpayResponse response = await SendUnrefreshedAsync(method, pathAndQuery, body, diagnostics, cancellationToken, host).ConfigureAwait(false);
            PlatformCertificateRefresher? refresher = Refresher;
            return refresher != null && response.Verification.Status == VerificationStatus.UnknownSerial
                ? await refresher.VerifyAgainAsync(response, diagnostics, cancellationToken).ConfigureAwait(false)
                : response;
        }

        /// <summary>
        /// <see cref="SendAsync"/> without the refresh on an unknown serial: for the certificate download itself.
        /// <paramref name="wechatpaySerial"/>, when given, is sent as <c>Wechatpay-Serial</c> instead of the public key id.
        /// </summary>
        public async Task<WechatpayResponse> SendUnrefreshedAsync(
            HttpMethod method,
            string pathAndQuery,
            byte[] body,
            Diagnostics? diagnostics,
            CancellationToken cancellationToken,
            Uri? host = null,
            string? wechatpaySerial = null)
        {
            var uri = new Uri(host ?? _options.BaseUri, pathAndQuery);

            // Sign what the HTTP stack will put on the request line, after Uri normalization.
            string signedTarget = uri.PathAndQuery;
            SignedRequest signed = _signer.Sign(method.Method, signedTarget, body);

            using (var request = new HttpRequestMessage(method, uri))
            {
                request.Headers.TryAddWithoutValidation("Authorization", signed.Authorization);
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                string? serial = wechatpaySerial ?? _publicKeyId;
                if (serial != null)
                {
                    request.Headers.TryAddWithoutValidation("Wechatpay-Serial", serial);
                }

                if (method != HttpMethod.Get)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = JsonContentType;
                }

                diagnostics?.Debug.Add($"{method.Method} {uri} Authorization: {RequestSigner.Redact(signed.Authorization)}");
                diagnostics?.Debug.Add(Messages.Format("Answer.DebugRequestBody", System.Text.Encoding.UTF8.GetString(body)));

                var stopwatch = Stopwatch.StartNew();
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    deadline.CancelAfter(_options.Timeout);
                    try
                    {
                        using (HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false))
                        {
                            (byte[] responseBody, bool truncated) = await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false);
                            WechatpayResponse answer = Interpret(response, responseBody, truncated);
                            diagnostics?.Verbose.Add(answer.RequestId != null
                                ? Messages.Format("Answer.SentAnswered", method.Method, signedTarget, answer.StatusCode, stopwatch.ElapsedMilliseconds, answer.RequestId, answer.Verification.Message)
                                : Messages.Format("Answer.SentAnsweredWithoutRequestId", method.Method, signedTarget, answer.StatusCode, stopwatch.ElapsedMilliseconds, answer.Verification.Message));
                            return answer;
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        string message = Messages.Format("Answer.NoAnswerInTime", _options.Timeout.TotalSeconds);
                        diagnostics?.Verbose.Add(Messages.Format("Answer.SentTimedOut", method.Method, signedTarget, stopwatch.ElapsedMilliseconds));
                        return WechatpayResponse.TransportError(TransportFailure.Timeout, message);
                    }
                    catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
                    {
                        string message = DescribeNetworkError(ex, UriText.Quote(host ?? _options.BaseUri));
                        TransportFailure failure = NeverConnected(ex) ? TransportFailure.ConnectFailed : TransportFailure.Network;
                        diagnostics?.Verbose.Add(failure == TransportFailure.ConnectFailed
                            ? Messages.Format("Answer.SentNoConnection", method.Method, signedTarget, stopwatch.ElapsedMilliseconds, message)
                            : Messages.Format("Answer.SentNetworkError", method.Method, signedTarget, stopwatch.ElapsedMilliseconds, message));
                        return WechatpayResponse.TransportError(failure, message);
                    }
                }
            }
        }

        private WechatpayResponse Interpret(HttpResponseMessage response, byte[] body, bool truncated)
        {
            var signature = new SignatureHeaders(
                Header(response, "Wechatpay-Timestamp"),
                Header(response, "Wechatpay-Nonce"),
                Header(response, "Wechatpay-Signature"),
                Header(response, "Wechatpay-Serial"));
            VerificationResult verification = truncated
                ? new VerificationResult(VerificationStatus.BadSignature, Messages.Format("Answer.BodyCutOff", _options.MaxResponseBytes))
                : _verifier.Verify(signature, body);
            return WechatpayResponse.Answer(
                response.StatusCode,
                body,
                truncated,
                response.Content?.Headers.ContentType?.MediaType,
                Header(response, "Request-ID"),
                response.Headers.Location?.ToString(),
                verification,
                RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow),
                ServerTime(response),
                signature,
                response.Headers.Date);
        }

        /// <summary>Retry-After as seconds or as an HTTP date; a date in the past asks for no wait.</summary>
        internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
        {
            if (header?.Delta is TimeSpan delta)
            {
                return delta;
            }

            if (header?.Date is DateTimeOffset date)
            {
                return date > now ? date - now : TimeSpan.Zero;
            }

            return null;
        }

        private static DateTimeOffset? ServerTime(HttpResponseMessage response) =>
            long.TryParse(Header(response, "Wechatpay-Timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                && seconds > 0 && seconds < 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : response.Headers.Date;

        private async Task<(byte[] Body, bool Truncated)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null)
            {
                return (WechatpayResponse.EmptyBody, false);
            }

            int cap = _options.MaxResponseBytes;
            using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (cancellationToken.Register(() => stream.Dispose()))
            {
                var buffer = new byte[Math.Min(cap + 1, 16 * 1024)];
                using (var collected = new MemoryStream())
                {
                    while (collected.Length <= cap)
                    {
                        int read;
                        try
                        {
                            read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                        }
                        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
                        {
                            throw new OperationCanceledException(cancellationToken);
                        }

                        if (read == 0)
                        {
                            return (collected.ToArray(), false);
                        }

                        collected.Write(buffer, 0, read);
                    }

                    byte[] kept = new byte[cap];
                    Array.Copy(collected.GetBuffer(), kept, cap);
                    return (kept, true);
                }
            }
        }

        private static string? Header(HttpResponseMessage response, string name)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                return values.FirstOrDefault();
            }

            return null;
        }

        /// <summary>
        /// True when no connection was made (refused, unreachable, name not resolved) or its TLS handshake failed (an
        /// untrusted certificate, no common protocol), so the request surely never reached WeChat Pay: HTTP sends
        /// nothing before the handshake is done. A connection broken later leaves the outcome open.
        /// </summary>
        internal static bool NeverConnected(Exception ex)
        {
            if (TlsFailure(ex) != null)
            {
                return true;
            }

            for (Exception? inner = ex; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.HostUnreachable:
                        case SocketError.NetworkUnreachable:
                        case SocketError.NoData:
                        case SocketError.TryAgain:
                            return true;
                    }
                }

                // .NET Framework reports through WebException.
                if (inner is WebException web
                    && (web.Status == WebExceptionStatus.ConnectFailure
                        || web.Status == WebExceptionStatus.NameResolutionFailure
                        || web.Status == WebExceptionStatus.ProxyNameResolutionFailure))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The failed TLS handshake among <paramref name="ex"/> and its inner exceptions; null when the handshake is not what failed.</summary>
        private static Exception? TlsFailure(Exception ex)
        {
            for (Exception? inner = ex; inner != null; inner = inner.InnerException)
            {
                if (inner is AuthenticationException)
                {
                    return inner;
                }

                // .NET Framework reports through WebException.
                if (inner is WebException web && (web.Status == WebExceptionStatus.TrustFailure || web.Status == WebExceptionStatus.SecureChannelFailure))
                {
                    return inner.InnerException is AuthenticationException authentication ? authentication : inner;
                }
            }

            return null;
        }

        /// <summary>What went wrong in words, with the host (<paramref name="host"/>, as quoted) it went wrong with.</summary>
        private static string DescribeNetworkError(Exception ex, string host)
        {
            // .NET's own text for a failed handshake ends "see inner exception", which the admin never sees.
            if (TlsFailure(ex) is Exception tls)
            {
                return Messages.Format("Answer.TlsHandshakeFailed", tls.Message.TrimEnd('.'), host);
            }

            // The innermost message names the cause (refused, reset, DNS, TLS); the outer ones are generic.
            Exception inner = ex;
            while (inner.InnerException != null)
            {
                inner = inner.InnerException;
            }

            string cause = inner == ex ? ex.Message : $"{ex.Message} {inner.Message}";
            return $"{cause} ({host})";
        }

        public void Dispose()
        {
            _http.Dispose();
        }
    }
}
