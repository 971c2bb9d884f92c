using System.Net;
using System.Net.Sockets;
using System.Text;
using Bytebot.Desktop.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bytebot.Desktop.Health;

internal sealed class VncHealthCheck(IDesktopEnvironment desktop) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly byte[] Banner = "RFB 003.008\n"u8.ToArray();

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (desktop.VncPort == 0)
            return HealthCheckResult.Healthy("VNC is turned off (Desktop:Vnc=false).");
        return await ProblemAsync(desktop.VncPort, cancellationToken).ConfigureAwait(false) is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy($"VNC server at 127.0.0.1:{desktop.VncPort} speaks RFB 3.8.");
    }

    /// <summary>Null when the VNC server on loopback <paramref name="port"/> sends RFB 3.8's banner.</summary>
    public static async Task<string?> ProblemAsync(int port, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var received = new byte[Banner.Length];
        try
        {
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            var count = 0;
            while (count < received.Length)
            {
                var read = await socket.ReceiveAsync(received.AsMemory(count), deadline.Token).ConfigureAwait(false);
                if (read == 0)
                    return $"VNC server at {endPoint} closed the connection after {count} bytes of its banner.";
                count += read;
            }
        }
        catch (SocketException e)
        {
            return $"VNC server at {endPoint} is unreachable: {e.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"VNC server at {endPoint} sent no RFB banner within {Timeout.TotalSeconds:0} s.";
        }
        return received.AsSpan().SequenceEqual(Banner)
            ? null
            : $"VNC server at {endPoint} sent '{Encoding.ASCII.GetString(received).TrimEnd()}', not 'RFB 003.008'.";
    }
}
