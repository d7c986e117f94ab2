using System.Net;
using System.Net.Sockets;

namespace Acceptance.TestSupport;

/// <summary>Loopback ports for throwaway servers.</summary>
public static class Ports
{
    /// <summary>A loopback port nobody listens on (bound, read, released).</summary>
    public static int Free()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
