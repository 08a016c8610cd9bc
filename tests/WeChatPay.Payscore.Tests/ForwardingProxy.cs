using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// A minimal HTTP forward proxy on 127.0.0.1 for plain-http targets: it counts what passes, can demand Basic
/// credentials (answering 407 first, as corporate proxies do) and relays each request on a fresh connection.
/// </summary>
internal sealed class ForwardingProxy : LoopbackServer
{
    private readonly string? _expectedAuthorization;
    private int _forwarded;
    private int _challenged;

    public ForwardingProxy(NetworkCredential? required = null)
    {
        if (required != null)
        {
            _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{required.UserName}:{required.Password}"));
        }

        Start();
        Uri = new Uri($"http://127.0.0.1:{Port}/");
    }

    public Uri Uri { get; }

    public int Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Requests answered with 407 because they came without the right credentials.</summary>
    public int Challenged => Volatile.Read(ref _challenged);

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            (string head, byte[] body)? request = await ReadRequestAsync(stream);
            if (request == null)
            {
                return;
            }

            string[] lines = request.Value.head.Split("\r\n");
            string[] requestLine = lines[0].Split(' ');
            var target = new Uri(requestLine[1]);
            string? authorization = lines.Skip(1)
                .Where(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase))
                .Select(l => l.Substring(l.IndexOf(':') + 1).Trim())
                .FirstOrDefault();
            if (_expectedAuthorization != null && authorization != _expectedAuthorization)
            {
                Interlocked.Increment(ref _challenged);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }

            var upstreamHead = new StringBuilder($"{requestLine[0]} {target.PathAndQuery} {requestLine[2]}\r\n");
            foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
            {
                if (!line.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase))
                {
                    upstreamHead.Append(line).Append("\r\n");
                }
            }

            upstreamHead.Append("Connection: close\r\n\r\n");
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Host, target.Port);
            NetworkStream upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(upstreamHead.ToString()));
            await upstreamStream.WriteAsync(request.Value.body);
            Interlocked.Increment(ref _forwarded);
            await upstreamStream.CopyToAsync(stream);
        }
    }

    private static async Task<(string, byte[])?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
        }

        string head = Encoding.UTF8.GetString(buffer.ToArray());
        int length = head.Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l.Substring(15).Trim()))
            .FirstOrDefault();
        byte[] body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return (head, body);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}
