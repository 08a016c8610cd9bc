using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace WeChatPay.Payscore.Execution
{
    /// <summary>
    /// A journal in an Azure Storage append blob, addressed by a URL with a SAS token, so that it outlives the machine
    /// that runs (an Azure Automation sandbox keeps nothing between jobs). It speaks the few REST operations it needs
    /// (Get Blob Properties, Put Blob, Append Block, Get Blob with a range, Lease Blob) with HttpClient, so that no
    /// Azure.Core or Azure.Storage.Blobs of its own can clash with the versions Az modules load into the same process.
    /// </summary>
    /// <remarks>
    /// An append blob holds at most <see cref="MaxBlocks"/> blocks, so a journal is a chain of them: the first blob
    /// (the address given), then <c>&lt;name&gt;.1</c>, <c>&lt;name&gt;.2</c>, ... in the same container, read in
    /// that order as one journal. The first blob's metadata (<see cref="ChainMetadata"/>) says how many there are: set
    /// once the next blob exists and before anything is written to it, so that a run that is killed in between leaves
    /// at most an empty next blob outside the chain, which the next rollover takes. A count, rather than reading on
    /// until a blob is missing, because a SAS for one blob (sr=b) is refused for every other name: it cannot tell a
    /// missing blob from one it may not read.
    /// One run at a time: a lease on the first blob, renewed while the run goes on, released when it ends; the lease of a
    /// run that was killed runs out within <see cref="LeaseDuration"/>. Every append carries the lease and the
    /// position it expects the blob to end at, so that an append retried after a lost answer is not written twice.
    /// The SAS token is a secret: messages and <see cref="Name"/> show scheme, host and path, never the query.
    /// </remarks>
    internal sealed class BlobJournalStore : IJournalStore
    {
        /// <summary>The Blob service version the requests ask for.</summary>
        internal const string ServiceVersion = "2021-08-06";

        /// <summary>The longest block an append blob takes in <see cref="ServiceVersion"/>.</summary>
        internal const int MaxBlockBytes = 4 * 1024 * 1024;

        /// <summary>The most blocks an append blob holds.</summary>
        internal const int MaxBlocks = 50_000;

        /// <summary>
        /// How many blocks a blob of the chain takes before the journal goes on in the next one: below
        /// <see cref="MaxBlocks"/>, with room for what others may append (the record that closes a torn line).
        /// </summary>
        internal const int RolloverBlocks = 49_000;

        /// <summary>The first blob's metadata that holds how many blobs the journal's chain has (1 when missing).</summary>
        internal const string ChainMetadata = "x-ms-meta-journalblobs";

        /// <summary>How long the lease lasts between renewals: the hold of a killed run ends within it.</summary>
        internal static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

        private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
        private const int Attempts = 6;
        private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);

        private readonly Uri _blob;
        private readonly HttpClient _http;
        private readonly string? _leaseId;
        private readonly long[] _lengths;
        private readonly int _rolloverBlocks;
        private readonly Timer? _renewal;
        private int _readBlob;
        private long _read;
        private int _count;
        private Uri _current;
        private long _end;
        private int _blocks;
        private volatile string? _leaseLost;

        private BlobJournalStore(Uri blob, string name, HttpClient http, string? leaseId, long[] lengths, int blocks, int rolloverBlocks)
        {
            _blob = blob;
            Name = name;
            _http = http;
            _leaseId = leaseId;
            _lengths = lengths;
            _count = Math.Max(lengths.Length, 1);
            _current = BlobAt(blob, _count - 1);
            _end = lengths.Length == 0 ? 0 : lengths[lengths.Length - 1];
            _blocks = blocks;
            _rolloverBlocks = Math.Min(rolloverBlocks, MaxBlocks);
            if (leaseId != null)
            {
                TimeSpan every = TimeSpan.FromTicks(LeaseDuration.Ticks / 3);
                _renewal = new Timer(_ => Renew(), null, every, every);
            }
        }

        public string Name { get; }

        public string Kind => Messages.Format("Journal.KindBlob");

        public string WriteFailureAdvice => Messages.Format("Journal.BlobWriteFailureAdvice");

        /// <summary>How many blobs the journal's chain has: the first, and one for every rollover.</summary>
        internal int Blobs => _count;

        /// <summary>True for -JournalPath text that is a blob's address (http or https) rather than a path.</summary>
        public static bool IsBlobAddress(string? text) =>
            text != null
            && (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// Opens the append blob at <paramref name="address"/> for <paramref name="access"/>: a run creates it when
        /// missing and takes its lease; a preview (-WhatIf) only reads, and a missing blob is an empty journal; a reader
        /// takes no lease (a run may append meanwhile) and refuses a missing blob. A blob of the chain takes
        /// <paramref name="rolloverBlocks"/> blocks before the journal goes on in the next (tests roll over after a few).
        /// </summary>
        public static BlobJournalStore Open(string address, JournalAccess access, HttpMessageHandler? handler = null, int rolloverBlocks = RolloverBlocks)
        {
            Uri blob = Parse(address, out string name, access);
            var http = new HttpClient(handler ?? new HttpClientHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            try
            {
                return Open(blob, name, http, access, rolloverBlocks);
            }
            catch
            {
                http.Dispose();
                throw;
            }
        }

        private static BlobJournalStore Open(Uri blob, string name, HttpClient http, JournalAccess access, int rolloverBlocks)
        {
            using (HttpResponseMessage properties = SendWithRetries(http, blob, name, () => Request(HttpMethod.Head, blob, null), access: access))
            {
                if (properties.StatusCode == HttpStatusCode.NotFound && !access.ReadOnly)
                {
                    Create(http, blob, name);
                }
                else if (properties.StatusCode == HttpStatusCode.NotFound && access.ForRun)
                {
                    return new BlobJournalStore(blob, name, http, null, Array.Empty<long>(), 0, rolloverBlocks);
                }
                else if (properties.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new PayscoreException(
                        ErrorIds.JournalNotFound,
                        ErrorCode(properties) == "ContainerNotFound"
                            ? Messages.Format("Journal.BlobNotFoundNorContainer", UserText.ExcerptPath(name), access.Parameter)
                            : Messages.Format("Journal.BlobNotFound", UserText.ExcerptPath(name), access.Parameter));
                }
                else
                {
                    CheckOpened(properties, name, access);
                    CheckAppendBlob(properties, name, access);
                }
            }

            string? leaseId = null;
            if (!access.ReadOnly)
            {
                leaseId = Guid.NewGuid().ToString();
                using (HttpResponseMessage lease = SendWithRetries(http, blob, name, () => LeaseRequest(blob, "acquire", leaseId, duration: true)))
                {
                    if (lease.StatusCode == HttpStatusCode.Conflict)
                    {
                        throw new PayscoreException(
                            ErrorIds.JournalUnavailable,
                            Messages.Format("Journal.BlobInUse", UserText.ExcerptPath(name), LeaseDuration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)));
                    }

                    CheckOpened(lease, name, JournalAccess.Run);
                }
            }

            try
            {
                int count = 1;
                var lengths = new System.Collections.Generic.List<long>();
                int blocks = 0;
                for (int index = 0; index < count; index++)
                {
                    Uri part = BlobAt(blob, index);
                    string partName = NameAt(name, index);
                    using (HttpResponseMessage properties = SendWithRetries(http, blob, name, () => Request(HttpMethod.Head, part, null), access: access))
                    {
                        if (index > 0)
                        {
                            CheckChained(properties, name, partName, access);
                        }

                        CheckOpened(properties, name, access);
                        CheckAppendBlob(properties, partName, access);
                        if (index == 0 && int.TryParse(Header(properties, ChainMetadata), NumberStyles.None, CultureInfo.InvariantCulture, out int chained))
                        {
                            count = Math.Max(chained, 1);
                        }

                        lengths.Add(properties.Content.Headers.ContentLength ?? 0);
                        blocks = BlockCount(properties) ?? 0;
                    }
                }

                return new BlobJournalStore(blob, name, http, leaseId, lengths.ToArray(), blocks, rolloverBlocks);
            }
            catch
            {
                if (leaseId != null)
                {
                    Release(http, blob, leaseId);
                }

                throw;
            }
        }

        /// <summary>The blobs of the chain one after the other, as they were when opened.</summary>
        public int Read(byte[] buffer, int offset, int count)
        {
            while (_readBlob < _lengths.Length && _read >= _lengths[_readBlob])
            {
                _readBlob++;
                _read = 0;
            }

            if (_readBlob >= _lengths.Length)
            {
                return 0;
            }

            int wanted = (int)Math.Min(count, _lengths[_readBlob] - _read);
            long first = _read;
            Uri part = BlobAt(_blob, _readBlob);
            using (HttpResponseMessage response = Send(() =>
            {
                HttpRequestMessage request = Request(HttpMethod.Get, part, null);
                request.Headers.Add("x-ms-range", $"bytes={first}-{first + wanted - 1}");
                return request;
            }))
            {
                if (response.StatusCode != HttpStatusCode.PartialContent && response.StatusCode != HttpStatusCode.OK)
                {
                    throw Failed(response);
                }

                byte[] bytes = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                int got = Math.Min(bytes.Length, wanted);
                Buffer.BlockCopy(bytes, 0, buffer, offset, got);
                _read += got;
                return got;
            }
        }

        /// <summary>An append blob cannot be cut: the journal closes a torn line with a record that says to skip it.</summary>
        public bool DropTail(long length) => false;

        /// <summary>
        /// Appends the records in blocks of whole lines of at most <see cref="MaxBlockBytes"/> to the last blob of the
        /// chain, going on in a next one when it holds its share of blocks: once it returns they are stored (Append
        /// Block is durable when it answers).
        /// </summary>
        public void Append(byte[] buffer, int offset, int count)
        {
            if (_leaseLost != null)
            {
                throw new IOException(_leaseLost);
            }

            int end = offset + count;
            while (offset < end)
            {
                int size = BlockSize(buffer, offset, end);
                AppendBlock(buffer, offset, size);
                offset += size;
            }
        }

        public void Flush()
        {
        }

        public string Reason(Exception ex)
        {
            string message = ex.Message;
            message = message.Replace(_blob.OriginalString, Name).Replace(_blob.AbsoluteUri, Name);
            if (_blob.Query.Length > 1)
            {
                message = message.Replace(_blob.Query.Substring(1), "…");
            }

            return UserText.Excerpt(message.Trim().TrimEnd('.'));
        }

        public void Dispose()
        {
            _renewal?.Dispose();
            if (_leaseId != null && _leaseLost == null)
            {
                Release(_http, _blob, _leaseId);
            }

            _http.Dispose();
        }

        /// <summary>The address without its query: what a message may show (account, container, blob name).</summary>
        internal static Uri Parse(string address, out string name, JournalAccess? access = null)
        {
            access = access ?? JournalAccess.Run;
            Uri? uri = UriText.Parse(address);
            string why; // what is wrong with the address, as a clause that follows it
            if (uri == null)
            {
                why = Messages.Format("Journal.AddressNotAnAddress");
            }
            else if (uri.UserInfo.Length > 0)
            {
                why = Messages.Format("Journal.AddressHasUserInfo");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !UriText.IsLoopback(uri))
            {
                why = Messages.Format("Journal.AddressPlainHttp");
            }
            else if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            {
                why = Messages.Format("Journal.AddressNotHttp");
            }
            else if (uri.AbsolutePath.Trim('/').Split('/').Length < (uri.Scheme == Uri.UriSchemeHttp ? 3 : 2))
            {
                why = uri.Scheme == Uri.UriSchemeHttp
                    ? Messages.Format("Journal.AddressNamesNoBlobEmulator")
                    : Messages.Format("Journal.AddressNamesNoBlob");
            }
            else if (!uri.Query.Split('&', '?').Any(part => part.StartsWith("sig=", StringComparison.Ordinal)))
            {
                why = Messages.Format("Journal.AddressHasNoSas", access.SasPermissions);
            }
            else
            {
                name = uri.Scheme + "://" + uri.Authority + Uri.UnescapeDataString(uri.AbsolutePath);
                return uri;
            }

            throw new PayscoreException(
                ErrorIds.JournalInvalid,
                access.WithOutcome(Messages.Format("Journal.NotABlobAddress", access.Parameter, UriText.Quote(address), why)));
        }

        /// <summary>The bytes from <paramref name="offset"/> that go in one block: up to the last line end that fits.</summary>
        private static int BlockSize(byte[] buffer, int offset, int end)
        {
            int size = end - offset;
            if (size <= MaxBlockBytes)
            {
                return size;
            }

            int lastLineEnd = Array.LastIndexOf(buffer, (byte)'\n', offset + MaxBlockBytes - 1, MaxBlockBytes);
            return lastLineEnd < offset ? MaxBlockBytes : lastLineEnd - offset + 1;
        }

        private void AppendBlock(byte[] buffer, int offset, int count)
        {
            if (_blocks >= _rolloverBlocks)
            {
                Roll();
            }

            if (_blocks >= MaxBlocks)
            {
                throw new IOException(Messages.Format("Journal.BlobFull", UserText.Count(MaxBlocks)));
            }

            long expected = _end;
            bool leased = ReferenceEquals(_current, _blob); // the lease is on the first blob only: the run's lock
            using (HttpResponseMessage response = Send(() =>
            {
                HttpRequestMessage request = Request(HttpMethod.Put, new Uri(_current.AbsoluteUri + "&comp=appendblock"), new ByteArrayContent(buffer, offset, count));
                if (leased)
                {
                    request.Headers.Add("x-ms-lease-id", _leaseId);
                }

                request.Headers.Add("x-ms-blob-condition-appendpos", expected.ToString(CultureInfo.InvariantCulture));
                return request;
            }))
            {
                if (response.StatusCode == HttpStatusCode.PreconditionFailed && ErrorCode(response) == "AppendPositionConditionNotMet" && LengthNow() == expected + count)
                {
                    // An earlier attempt was stored, and its answer lost.
                    _blocks++;
                }
                else if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw Failed(response);
                }
                else
                {
                    _blocks = BlockCount(response) ?? _blocks + 1;
                }
            }

            _end = expected + count;
        }

        /// <summary>
        /// Goes on in the next blob of the chain: creates it (or takes the empty one a killed run left), then counts
        /// it in the first blob's metadata, under the lease, before anything is written to it.
        /// </summary>
        private void Roll()
        {
            int index = _count;
            Uri next = BlobAt(_blob, index);
            string nextName = NameAt(Name, index);
            using (HttpResponseMessage response = Send(() => CreateRequest(next)))
            {
                if (response.StatusCode == HttpStatusCode.Forbidden && _blob.Query.Split('&', '?').Contains("sr=b"))
                {
                    // A reason is quoted as a short excerpt: what to do is in WriteFailureAdvice.
                    throw new IOException(Messages.Format("Journal.BlobSasCannotCreateNext", index));
                }

                if (response.StatusCode == HttpStatusCode.Conflict || response.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    using (HttpResponseMessage existing = Send(() => Request(HttpMethod.Head, next, null)))
                    {
                        bool empty = existing.IsSuccessStatusCode
                            && string.Equals(Header(existing, "x-ms-blob-type"), "AppendBlob", StringComparison.OrdinalIgnoreCase)
                            && existing.Content.Headers.ContentLength == 0;
                        if (!empty)
                        {
                            throw new IOException(Messages.Format("Journal.NextBlobTaken", UserText.ExcerptPath(nextName), UserText.Count(_blocks)));
                        }
                    }
                }
                else if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw Failed(response);
                }
            }

            using (HttpResponseMessage response = Send(() =>
            {
                HttpRequestMessage request = Request(HttpMethod.Put, new Uri(_blob.AbsoluteUri + "&comp=metadata"), new ByteArrayContent(Array.Empty<byte>()));
                request.Headers.Add("x-ms-lease-id", _leaseId);
                request.Headers.Add(ChainMetadata, (index + 1).ToString(CultureInfo.InvariantCulture));
                return request;
            }))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw Failed(response);
                }
            }

            _count = index + 1;
            _current = next;
            _end = 0;
            _blocks = 0;
        }

        private long LengthNow()
        {
            using (HttpResponseMessage response = Send(() => Request(HttpMethod.Head, _current, null)))
            {
                return response.IsSuccessStatusCode ? response.Content.Headers.ContentLength ?? -1 : -1;
            }
        }

        private void Renew()
        {
            if (_leaseLost != null)
            {
                return;
            }

            try
            {
                using (HttpResponseMessage response = Send(() => LeaseRequest(_blob, "renew", _leaseId!, duration: false)))
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        _leaseLost = Messages.Format("Journal.LeaseNotRenewed", Describe(response));
                    }
                }
            }
            catch (IOException ex)
            {
                _leaseLost = Messages.Format("Journal.LeaseNotRenewed", Reason(ex));
            }
        }

        /// <summary>Ends the hold at once, so that the next run need not wait for the lease to run out (which it does, when this fails).</summary>
        private static void Release(HttpClient http, Uri blob, string leaseId)
        {
            try
            {
                SendWithRetries(http, blob, string.Empty, () => LeaseRequest(blob, "release", leaseId, duration: false), asIOException: true).Dispose();
            }
            catch (IOException)
            {
                // The lease runs out by itself.
            }
        }

        private static void Create(HttpClient http, Uri blob, string name)
        {
            using (HttpResponseMessage response = SendWithRetries(http, blob, name, () => CreateRequest(blob)))
            {
                // Another run that created it first (409, 412) is met by the lease.
                if (response.StatusCode != HttpStatusCode.Conflict && response.StatusCode != HttpStatusCode.PreconditionFailed)
                {
                    CheckOpened(response, name, JournalAccess.Run);
                }
            }
        }

        /// <summary>Put Blob of an empty append blob, unless one of that name exists.</summary>
        private static HttpRequestMessage CreateRequest(Uri blob)
        {
            HttpRequestMessage request = Request(HttpMethod.Put, blob, new ByteArrayContent(Array.Empty<byte>()));
            request.Headers.Add("x-ms-blob-type", "AppendBlob");
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            request.Content!.Headers.TryAddWithoutValidation("Content-Type", "application/x-ndjson; charset=utf-8");
            return request;
        }

        /// <summary>The address of the chain's blob <paramref name="index"/>: the first blob's, then &lt;name&gt;.1, &lt;name&gt;.2, ... with the same SAS.</summary>
        private static Uri BlobAt(Uri first, int index) =>
            index == 0 ? first : new Uri(first.GetLeftPart(UriPartial.Path) + "." + index.ToString(CultureInfo.InvariantCulture) + first.Query);

        private static string NameAt(string first, int index) => index == 0 ? first : first + "." + index.ToString(CultureInfo.InvariantCulture);

        private static HttpRequestMessage LeaseRequest(Uri blob, string action, string leaseId, bool duration)
        {
            HttpRequestMessage request = Request(HttpMethod.Put, new Uri(blob.AbsoluteUri + "&comp=lease"), new ByteArrayContent(Array.Empty<byte>()));
            request.Headers.Add("x-ms-lease-action", action);
            request.Headers.Add(action == "acquire" ? "x-ms-proposed-lease-id" : "x-ms-lease-id", leaseId);
            if (duration)
            {
                request.Headers.Add("x-ms-lease-duration", LeaseDuration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture));
            }

            return request;
        }

        private static HttpRequestMessage Request(HttpMethod method, Uri uri, HttpContent? content)
        {
            var request = new HttpRequestMessage(method, uri) { Content = content };
            request.Headers.Add("x-ms-version", ServiceVersion);
            request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
            return request;
        }

        /// <summary>An answer that is not a storage fault: the blob's or the request's own (opened, refused, missing).</summary>
        private HttpResponseMessage Send(Func<HttpRequestMessage> request) => SendWithRetries(_http, _blob, Name, request, asIOException: true);

        /// <summary>
        /// Sends the request, again with backoff while storage answers with a fault (408, 429, 500, 503) or not at
        /// all; the last fault becomes an <see cref="IOException"/> (writing) or a JournalUnavailable (opening).
        /// </summary>
        private static HttpResponseMessage SendWithRetries(HttpClient http, Uri blob, string name, Func<HttpRequestMessage> request, bool asIOException = false, JournalAccess? access = null)
        {
            TimeSpan delay = FirstRetryDelay;
            string fault = string.Empty;
            for (int attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    HttpResponseMessage response = SendOnce(http, request());
                    int status = (int)response.StatusCode;
                    if (status != 408 && status != 429 && status < 500)
                    {
                        return response;
                    }

                    fault = Describe(response);
                    response.Dispose();
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is OperationCanceledException)
                {
                    fault = ex is OperationCanceledException
                        ? Messages.Format("Journal.StorageNoAnswerIn", RequestTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture))
                        : FaultOf(ex, blob, name);
                }

                if (attempt < Attempts)
                {
                    Thread.Sleep(delay);
                    delay = TimeSpan.FromTicks(delay.Ticks * 2);
                }
            }

            string reason = Messages.Format("Journal.StorageDidNotAnswer", Attempts, fault);
            if (asIOException)
            {
                throw new IOException(reason);
            }

            throw new PayscoreException(
                ErrorIds.JournalUnavailable,
                (access ?? JournalAccess.Run).WithOutcome(Messages.Format("Journal.BlobUnreachable", UserText.ExcerptPath(name), reason)));
        }

        private static HttpResponseMessage SendOnce(HttpClient http, HttpRequestMessage request)
        {
            using (request)
            using (var timeout = new CancellationTokenSource(RequestTimeout))
            {
                return Task.Run(() => http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token)).GetAwaiter().GetResult();
            }
        }

        /// <summary>What an exception of HttpClient says, without the address (it may quote it, query and all).</summary>
        private static string FaultOf(Exception ex, Uri blob, string name)
        {
            string message = (ex.InnerException ?? ex).Message.Replace(blob.OriginalString, name).Replace(blob.AbsoluteUri, name);
            return blob.Query.Length > 1 ? message.Replace(blob.Query.Substring(1), "…") : message;
        }

        private static void CheckAppendBlob(HttpResponseMessage properties, string name, JournalAccess access)
        {
            string type = Header(properties, "x-ms-blob-type") ?? string.Empty;
            if (!string.Equals(type, "AppendBlob", StringComparison.OrdinalIgnoreCase))
            {
                throw new PayscoreException(
                    ErrorIds.JournalInvalid,
                    access.WithOutcome(Messages.Format(
                        "Journal.BlobNotAppendBlob", UserText.ExcerptPath(name), UserText.Excerpt(type), access.Parameter, access.Instead(Messages.Format("Journal.KindBlob")))));
            }
        }

        /// <summary>A next blob of the chain that is refused (a SAS for the first blob only) or missing.</summary>
        private static void CheckChained(HttpResponseMessage properties, string name, string partName, JournalAccess access)
        {
            if (properties.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new PayscoreException(
                    ErrorIds.JournalUnavailable,
                    access.WithOutcome(Messages.Format(
                        "Journal.NextBlobRefused", UserText.ExcerptPath(name), UserText.ExcerptPath(partName), Describe(properties), access.Parameter, access.SasPermissions)));
            }

            if (properties.StatusCode == HttpStatusCode.NotFound)
            {
                string metadata = ChainMetadata.Substring("x-ms-meta-".Length);
                throw new PayscoreException(
                    ErrorIds.JournalInvalid,
                    access.ForRun
                        ? Messages.Format("Journal.NextBlobMissingRun", UserText.ExcerptPath(name), UserText.ExcerptPath(partName), metadata)
                        : Messages.Format("Journal.NextBlobMissingReader", UserText.ExcerptPath(name), UserText.ExcerptPath(partName), metadata));
            }
        }

        /// <summary>A refusal when opening: the SAS token (403), a missing container (404), anything else by its code.</summary>
        private static void CheckOpened(HttpResponseMessage response, string name, JournalAccess access)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            string shown = UserText.ExcerptPath(name);
            string message = response.StatusCode == HttpStatusCode.Forbidden
                ? Messages.Format("Journal.BlobCannotBeOpenedSasRefused", shown, Describe(response), access.Parameter, access.SasPermissions)
                : response.StatusCode == HttpStatusCode.NotFound
                    ? Messages.Format("Journal.BlobCannotBeOpenedNoContainer", shown, Describe(response), access.Parameter)
                    : Messages.Format("Journal.BlobCannotBeOpened", shown, Describe(response));
            throw new PayscoreException(ErrorIds.JournalUnavailable, access.WithOutcome(message));
        }

        private static IOException Failed(HttpResponseMessage response) =>
            new IOException(response.StatusCode == HttpStatusCode.PreconditionFailed && ErrorCode(response)?.StartsWith("Lease", StringComparison.Ordinal) == true
                ? Messages.Format("Journal.LeaseLost", Describe(response))
                : Messages.Format("Journal.StorageRefused", Describe(response)));

        private static string Describe(HttpResponseMessage response) =>
            $"{(int)response.StatusCode}{(ErrorCode(response) is string code ? " " + UserText.Excerpt(code) : string.Empty)}";

        private static int? BlockCount(HttpResponseMessage response) =>
            int.TryParse(Header(response, "x-ms-blob-committed-block-count"), NumberStyles.None, CultureInfo.InvariantCulture, out int blocks) ? blocks : (int?)null;

        private static string? ErrorCode(HttpResponseMessage response) => Header(response, "x-ms-error-code");

        private static string? Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }
}
