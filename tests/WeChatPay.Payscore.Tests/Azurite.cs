using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// Azurite, Microsoft's Azure Storage emulator (the npm package build.ps1 restores into tests/Azurite), serving
/// blobs on 127.0.0.1 from memory; SAS tokens are signed with its published development account key.
/// </summary>
public sealed class Azurite : IDisposable
{
    public const string Account = "devstoreaccount1";

    /// <summary>Azurite's published development key (not a secret: the same in every copy).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Version = "2021-08-06";

    private readonly HttpClient _http = new();
    private Process? _process;

    private Azurite(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}/{Account}";

    /// <summary>The azurite-blob script of tests/Azurite, or null when it is not restored (no npm).</summary>
    public static string? Script
    {
        get
        {
            string script = RepositoryFiles.PathOf(Path.Combine("tests", "Azurite", "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob"));
            return File.Exists(script) ? script : null;
        }
    }

    public static Azurite Start()
    {
        var azurite = new Azurite(FreePort());
        azurite.Resume();
        return azurite;
    }

    /// <summary>Starts (again) on the same port, with nothing stored.</summary>
    public void Resume()
    {
        _process = Process.Start(new ProcessStartInfo(Script ?? throw new InvalidOperationException("Azurite is not restored."),
            ["--blobHost", "127.0.0.1", "--blobPort", Port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (int i = 0; i < 300; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Assert.False(_process.HasExited, "Azurite ended as it started.");
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException("Azurite did not listen within 30 s.");
    }

    /// <summary>Stops it at once, as storage that is down or unreachable.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        _http.Dispose();
    }

    /// <summary>A new container, for one test.</summary>
    public string NewContainer()
    {
        string name = "t" + Guid.NewGuid().ToString("N");
        Send(HttpMethod.Put, $"{name}?restype=container", null, HttpStatusCode.Created);
        return name;
    }

    /// <summary>The blob's address with a service SAS for it (read, add, create and write), as a merchant would give it.</summary>
    public string BlobAddress(string container, string blob, string permissions = "racw")
    {
        string expiry = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string toSign = string.Join("\n", permissions, "", expiry, $"/blob/{Account}/{container}/{blob}", "", "", "", Version, "b", "", "", "", "", "", "", "");
        return $"{Endpoint}/{container}/{blob}?sv={Version}&sr=b&sp={permissions}&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(Sign(toSign))}";
    }

    /// <summary>The blob's address with a service SAS for its whole container (sr=c), which also covers the blobs a journal rolls over into.</summary>
    public string ContainerSasAddress(string container, string blob, string permissions = "racw")
    {
        string expiry = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string toSign = string.Join("\n", permissions, "", expiry, $"/blob/{Account}/{container}", "", "", "", Version, "c", "", "", "", "", "", "", "");
        return $"{Endpoint}/{container}/{blob}?sv={Version}&sr=c&sp={permissions}&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(Sign(toSign))}";
    }

    public bool Exists(string container, string blob)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"{Endpoint}/{container}/{blob}?{AccountSas()}");
        request.Headers.Add("x-ms-version", Version);
        using HttpResponseMessage response = _http.Send(request);
        return response.IsSuccessStatusCode;
    }

    /// <summary>A metadata value of the blob (name without x-ms-meta-), or "" when it has none.</summary>
    public string Metadata(string container, string blob, string name)
    {
        using HttpResponseMessage response = Send(HttpMethod.Head, $"{container}/{blob}", null, HttpStatusCode.OK);
        return response.Headers.TryGetValues("x-ms-meta-" + name, out var values) ? values.First() : "";
    }

    /// <summary>Appends the bytes to an append blob as one block, as a run that writes would (or one that is killed while writing).</summary>
    public void AppendBlock(string container, string blob, byte[] content) =>
        Send(HttpMethod.Put, $"{container}/{blob}?comp=appendblock", content, HttpStatusCode.Created).Dispose();

    /// <summary>The signature of a SAS address: the secret no message may quote.</summary>
    public static string Signature(string address) =>
        Uri.UnescapeDataString(address.Split('?')[1].Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal))["sig=".Length..]);

    public byte[] Content(string container, string blob) =>
        Send(HttpMethod.Get, $"{container}/{blob}", null, HttpStatusCode.OK).Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();

    public (string Type, int Blocks, string LeaseState) Properties(string container, string blob)
    {
        using HttpResponseMessage response = Send(HttpMethod.Head, $"{container}/{blob}", null, HttpStatusCode.OK);
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.First() : "";
        return (Header("x-ms-blob-type"), int.TryParse(Header("x-ms-blob-committed-block-count"), out int blocks) ? blocks : 0, Header("x-ms-lease-state"));
    }

    public void PutBlockBlob(string container, string blob, byte[] content) =>
        Send(HttpMethod.Put, $"{container}/{blob}", content, HttpStatusCode.Created, ("x-ms-blob-type", "BlockBlob")).Dispose();

    public void PutAppendBlob(string container, string blob, byte[] content)
    {
        Send(HttpMethod.Put, $"{container}/{blob}", [], HttpStatusCode.Created, ("x-ms-blob-type", "AppendBlob")).Dispose();
        if (content.Length > 0)
        {
            Send(HttpMethod.Put, $"{container}/{blob}?comp=appendblock", content, HttpStatusCode.Created).Dispose();
        }
    }

    /// <summary>Takes the blob's lease and never releases it: what a run that was killed leaves.</summary>
    public void AbandonLease(string container, string blob, int seconds) =>
        Send(HttpMethod.Put, $"{container}/{blob}?comp=lease", [], HttpStatusCode.Created,
            ("x-ms-lease-action", "acquire"), ("x-ms-lease-duration", seconds.ToString(CultureInfo.InvariantCulture))).Dispose();

    private HttpResponseMessage Send(HttpMethod method, string path, byte[]? content, HttpStatusCode expected, params (string Name, string Value)[] headers)
    {
        string sas = AccountSas();
        var request = new HttpRequestMessage(method, $"{Endpoint}/{path}{(path.Contains('?') ? "&" : "?")}{sas}");
        request.Headers.Add("x-ms-version", Version);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (content != null)
        {
            request.Content = new ByteArrayContent(content);
        }

        HttpResponseMessage response = _http.Send(request);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        return response;
    }

    /// <summary>An account SAS for the whole account: the tests' own access, apart from the journal's.</summary>
    private static string AccountSas()
    {
        string expiry = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string toSign = string.Join("\n", Account, "rwdlacup", "b", "sco", "", expiry, "", "", Version, "", "");
        return $"sv={Version}&ss=b&srt=sco&sp=rwdlacup&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(Sign(toSign))}";
    }

    private static string Sign(string toSign)
    {
        using var hmac = new HMACSHA256(Convert.FromBase64String(AccountKey));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(toSign)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One Azurite for the tests of the collection; each test makes its own container.</summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly Lazy<Azurite> _azurite = new(Azurite.Start);

    public Azurite Azurite => _azurite.Value;

    public void Dispose()
    {
        if (_azurite.IsValueCreated)
        {
            _azurite.Value.Dispose();
        }
    }
}

/// <summary>A fact that needs Azurite: skipped, saying why, when tests/Azurite is not restored (no npm).</summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public AzuriteFactAttribute()
    {
        if (Azurite.Script == null)
        {
            Skip = "Azurite is not restored in tests/Azurite (build.ps1 restores it with npm): the blob journal is not tested.";
        }
    }
}
