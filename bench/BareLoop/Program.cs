// The least a client can do per row and still be correct: sign the request (SHA256withRSA over the WeChat Pay APIv3
// message), send it, and verify the answer's signature with the WeChat Pay public key. No PowerShell, no CSV, no
// retries, no journal: the reference the module's rate and CPU per row are measured against, at the same latency
// and concurrency, in the same benchmark run.
// Usage: BareLoop <simulator-info.json> <concurrency> <requests> <openid-prefix>; prints one JSON line.
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

JsonElement info = JsonDocument.Parse(File.ReadAllText(args[0])).RootElement;
int concurrency = int.Parse(args[1]);
int total = int.Parse(args[2]);
string prefix = args[3];
string baseUri = info.GetProperty("baseUri").GetString()!.TrimEnd('/');
string merchantId = info.GetProperty("merchantId").GetString()!;
string serial = info.GetProperty("merchantSerialNumber").GetString()!;
using RSA merchantKey = RSA.Create();
merchantKey.ImportFromPem(File.ReadAllText(info.GetProperty("merchantPrivateKeyPath").GetString()!));
using RSA wechatpayKey = RSA.Create();
wechatpayKey.ImportFromPem(File.ReadAllText(info.GetProperty("publicKeyPath").GetString()!));
string publicKeyId = info.GetProperty("publicKeyId").GetString()!;
byte[] body = Encoding.UTF8.GetBytes("{\"appid\":\"wxd678efh567hg6787\",\"reason\":\"服务调整\"}");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(2, concurrency), AllowAutoRedirect = false });

async Task<bool> TerminateAsync(string openId)
{
    string path = $"/v3/payscore/users/{openId}/permissions/500001/terminate";
    string timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
    string nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    byte[] message = Encoding.UTF8.GetBytes($"POST\n{path}\n{timestamp}\n{nonce}\n{Encoding.UTF8.GetString(body)}\n");
    string signature = Convert.ToBase64String(merchantKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    using var request = new HttpRequestMessage(HttpMethod.Post, baseUri + path);
    request.Headers.TryAddWithoutValidation("Authorization",
        $"WECHATPAY2-SHA256-RSA2048 mchid=\"{merchantId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{serial}\"");
    request.Headers.TryAddWithoutValidation("Accept", "application/json");
    request.Headers.TryAddWithoutValidation("User-Agent", "BareLoop/1.0");
    request.Headers.TryAddWithoutValidation("Wechatpay-Serial", publicKeyId);
    request.Content = new ByteArrayContent(body);
    request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
    using HttpResponseMessage response = await http.SendAsync(request);
    byte[] answer = await response.Content.ReadAsByteArrayAsync();
    string Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.First() : "";
    byte[] signed = Encoding.UTF8.GetBytes($"{Header("Wechatpay-Timestamp")}\n{Header("Wechatpay-Nonce")}\n{Encoding.UTF8.GetString(answer)}\n");
    bool verified = Header("Wechatpay-Serial") == publicKeyId && wechatpayKey.VerifyData(
        signed, Convert.FromBase64String(Header("Wechatpay-Signature")), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    return verified && response.StatusCode == HttpStatusCode.NoContent;
}

for (int i = 0; i < 50; i++)
{
    await TerminateAsync($"{prefix}Warm{i}"); // warm up: JIT and connections
}

Process self = Process.GetCurrentProcess();
TimeSpan cpu = self.TotalProcessorTime;
var clock = Stopwatch.StartNew();
int next = 0, ok = 0;
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) <= total)
    {
        if (await TerminateAsync($"{prefix}{i}"))
        {
            Interlocked.Increment(ref ok);
        }
    }
}));
clock.Stop();
self.Refresh();
Console.WriteLine(JsonSerializer.Serialize(new
{
    requests = total,
    ok,
    requestsPerSecond = total / clock.Elapsed.TotalSeconds,
    cpuMsPerRequest = (self.TotalProcessorTime - cpu).TotalMilliseconds / total,
}));
