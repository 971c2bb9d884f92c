using System.Net;
using System.Net.Sockets;

namespace Bytebot.Platform.Os;

public static class LoopbackPort
{
    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago. Another process can take it before the caller binds it,
    /// so callers that start a server on it retry with a new one when that happens.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
