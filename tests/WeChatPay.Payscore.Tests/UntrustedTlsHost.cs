using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// An https server on 127.0.0.1 whose certificate nobody trusts (a throwaway self-signed one, as a TLS-inspecting
/// proxy or a hijacked address presents): it counts the handshakes it is offered and the HTTP requests that reach it.
/// </summary>
internal sealed class UntrustedTlsHost : LoopbackServer
{
    private readonly X509Certificate2 _certificate;
    private int _requests;

    public UntrustedTlsHost()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        Start();
        BaseUri = new Uri($"https://127.0.0.1:{Port}/");
    }

    public Uri BaseUri { get; }

    /// <summary>Connections whose handshake completed and that sent any bytes of a request.</summary>
    public int Requests => Volatile.Read(ref _requests);

    protected override async Task ServeAsync(TcpClient client)
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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _certificate.Dispose();
    }
}
