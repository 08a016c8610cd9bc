using System.Net;
using System.Net.Sockets;

namespace WeChatPay.Payscore.Tests;

/// <summary>A TCP server on 127.0.0.1 (any free port) that hands each connection to <see cref="ServeAsync"/> until disposed.</summary>
internal abstract class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;
    private int _connections;

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    protected int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts listening; called by the derived constructor once its own fields are set.</summary>
    protected void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    protected abstract Task ServeAsync(TcpClient client);

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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
