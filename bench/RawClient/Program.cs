// A client that does nothing but send: N requests in flight against the simulator, no signing, no verification.
// Its rate is the simulator's own ceiling at a given latency and concurrency on this machine, and its CPU time per
// request is what the .NET runtime costs per request before any client work.
// Usage: RawClient <baseUri> <concurrency> <requests>; prints one JSON line.
using System.Diagnostics;
using System.Text.Json;

string baseUri = args[0].TrimEnd('/');
int concurrency = int.Parse(args[1]);
int total = int.Parse(args[2]);
using var http = new HttpClient();

async Task SendAsync()
{
    using var request = new HttpRequestMessage(HttpMethod.Post, baseUri + "/v3/payscore/users/oRawClient/permissions/500001/terminate");
    request.Headers.TryAddWithoutValidation("Authorization", "WECHATPAY2-SHA256-RSA2048 unsigned");
    request.Headers.TryAddWithoutValidation("Accept", "application/json");
    request.Headers.TryAddWithoutValidation("User-Agent", "RawClient");
    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
    using HttpResponseMessage response = await http.SendAsync(request);
    await response.Content.ReadAsByteArrayAsync();
}

for (int i = 0; i < 50; i++)
{
    await SendAsync(); // warm up: JIT and connection
}

Process self = Process.GetCurrentProcess();
TimeSpan cpu = self.TotalProcessorTime;
var clock = Stopwatch.StartNew();
int next = 0;
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    while (Interlocked.Increment(ref next) <= total)
    {
        await SendAsync();
    }
}));
clock.Stop();
self.Refresh();
Console.WriteLine(JsonSerializer.Serialize(new
{
    requests = total,
    requestsPerSecond = total / clock.Elapsed.TotalSeconds,
    cpuMsPerRequest = (self.TotalProcessorTime - cpu).TotalMilliseconds / total,
}));
