using System.Net;
using System.Net.Sockets;
using WeChatPay.Payscore.Commands;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.Tests;

/// <summary>Hosts where WeChat Pay is gone, and sessions that do not wait 30 s to notice.</summary>
internal static class DeadHost
{
    /// <summary>A port on 127.0.0.1 where nothing listens: connections to it are refused at once.</summary>
    public static Uri Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>A session whose runs take WeChat Pay for gone after 200 ms and 8 requests without an answer.</summary>
    public static HostedSession QuickToGiveUp()
    {
        var session = new HostedSession();
        RunOverrides.Change(session.Runspace, o => o.WithHealth(new RunHealthLimits(TimeSpan.FromMilliseconds(200), 8, RunHealthLimits.Default.RefusedSignatures)));
        return session;
    }
}
