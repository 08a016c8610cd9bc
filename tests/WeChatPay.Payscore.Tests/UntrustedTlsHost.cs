using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// An https server on 127.0.0.1 whose certificate nobody trusts (a throwaway self-signed one, as a TLS-inspecting
/// proxy or a hijacked address presents): it counts the handshakes it is offered and the HTTP requests that reach it.
/// </summary>
internal sealed class UntrustedTlsHost : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;
    private int _requests;

    public UntrustedTlsHost()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        _listener.Start();
        BaseUri = new Uri($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = AcceptAsync();
    }

    public Uri BaseUri { get; }

    /// <summary>TCP connections accepted (each one a handshake offered).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections whose handshake completed and that sent any bytes of a request.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var tls = new SslStream(client.GetStream()))
        {
            try
            {
                await tls.AuthenticateAsServerAsync(_certificate);
                var buffer = new byte[1];
                if (await tls.ReadAsync(buffer) > 0)
                {
                    Interlocked.Increment(ref _requests);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is System.Security.Authentication.AuthenticationException || ex is ObjectDisposedException)
            {
                // The client refused the certificate: the handshake never completed.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
        _stop.Dispose();
    }
}
