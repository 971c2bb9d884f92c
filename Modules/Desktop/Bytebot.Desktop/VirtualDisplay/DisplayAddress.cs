using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>Where an X display name (<c>:99</c>, <c>:0.0</c>, <c>host:1</c>) listens.</summary>
internal sealed record DisplayAddress(string Display, EndPoint EndPoint)
{
    private const string SocketDirectory = "/tmp/.X11-unix";

    public static DisplayAddress Parse(string display)
    {
        var colon = display.LastIndexOf(':');
        if (colon < 0)
            throw new FormatException($"DISPLAY '{display}' has no ':<number>'.");
        var host = display[..colon];
        var numberPart = display[(colon + 1)..].Split('.')[0];
        if (!int.TryParse(numberPart, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw new FormatException($"DISPLAY '{display}' has no display number.");
        EndPoint endPoint = host is "" or "unix"
            ? new UnixDomainSocketEndPoint(SocketPath(number))
            : new DnsEndPoint(host, 6000 + number);
        return new DisplayAddress(display, endPoint);
    }

    public static string SocketPath(int number) => $"{SocketDirectory}/X{number}";

    /// <summary>The first display from 99 up that no running X server owns.</summary>
    public static int FirstFree(int from = 99)
    {
        var abstractSockets = AbstractSocketNames();
        for (var n = from; n < from + 1000; n++)
        {
            if (abstractSockets.Contains("@" + SocketPath(n)))
                continue;
            // A lock whose owner is gone is stale (an X server killed with SIGKILL); Xvfb takes it over itself.
            if (LockOwner(":" + n.ToString(CultureInfo.InvariantCulture)) is not { } owner
                    ? !File.Exists(SocketPath(n))
                    : !Directory.Exists($"/proc/{owner}"))
                return n;
        }
        throw new InvalidOperationException($"No free X display number between {from} and {from + 999}.");
    }

    /// <summary>
    /// The abstract unix sockets of this network namespace (<c>@/tmp/.X11-unix/X99</c>), which Xvfb also listens on.
    /// They are shared by every process in the namespace while lock files are per mount namespace: a container on
    /// the host's network has its own /tmp, and an X server on either side makes the other's Xvfb on that number
    /// fail to bind, or, worse, its clients connect to the wrong server.
    /// </summary>
    private static HashSet<string> AbstractSocketNames()
    {
        try
        {
            return [.. File.ReadLines("/proc/net/unix")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 8 && fields[7].StartsWith('@'))
                .Select(fields => fields[7])];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>
    /// The pid in the display's lock file. Xvfb creates it exclusively before it listens, so it tells whether the
    /// socket that accepted a connection is ours or another host's that picked the same number at the same moment.
    /// </summary>
    public static int? LockOwner(string display)
    {
        var number = display.TrimStart(':').Split('.')[0];
        try
        {
            return int.TryParse(File.ReadAllText($"/tmp/.X{number}-lock").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async Task<string?> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var protocol = EndPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var family = EndPoint is UnixDomainSocketEndPoint ? AddressFamily.Unix : AddressFamily.Unspecified;
        using var socket = family == AddressFamily.Unix
            ? new Socket(family, SocketType.Stream, protocol)
            : new Socket(SocketType.Stream, protocol);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(EndPoint, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (SocketException e)
        {
            return $"X server {Display} at {EndPoint} refused the connection: {e.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"X server {Display} at {EndPoint} did not accept a connection within {timeout.TotalSeconds:0.#} s";
        }
    }
}
