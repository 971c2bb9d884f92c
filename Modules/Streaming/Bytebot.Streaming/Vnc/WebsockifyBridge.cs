using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Bytebot.Desktop.Contracts;
using Bytebot.Nodes.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Bytebot.Streaming.Vnc;

/// <summary>
/// <c>/websockify</c>: noVNC's WebSocket bridged in-process to the loopback-only VNC server. The host's fallback
/// policy has authenticated the viewer and the Origin check has run before this; the bridge itself decides, per
/// message, whether the viewer's input may pass (only while the user has control).
/// </summary>
internal static partial class WebsockifyBridge
{
    private const int BufferSize = 64 * 1024;

    public static IEndpointRouteBuilder MapWebsockify(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/websockify", BridgeAsync).WithName("Websockify").WithTags("Streaming")
            .WithSummary("The desktop's VNC (RFB) over a WebSocket, for noVNC; input passes only while the user has control. "
                + "With node, the desktop of that node, relayed to its own /websockify.")
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> BridgeAsync(
        HttpContext context, IDesktopEnvironment desktop, IDesktopControl control, INodeIdentity self,
        INodeDirectory nodes, INodeCredential credential, ILoggerFactory loggers, bool? viewOnly, string? node)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket upgrade required",
                detail: "Connect to /websockify with a WebSocket (noVNC does).");
        var logger = loggers.CreateLogger("Bytebot.Streaming.Vnc");
        if (node is { Length: > 0 } && node != self.Name)
            return await NodeBridge.BridgeAsync(context, node, viewOnly == true, nodes, credential, logger);
        if (desktop.VncPort == 0)
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live view is off",
                detail: "This desktop has no VNC server (Desktop:Vnc is false).");

        using var vnc = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await vnc.ConnectAsync(IPAddress.Loopback, desktop.VncPort, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "VNC server unavailable",
                detail: $"The desktop's VNC server did not accept a connection: {e.Message}");
        }

        var protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("binary") ? "binary" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var viewer = context.User.Identity?.Name ?? "unknown";
        LiveViewOpened(logger, viewer, viewOnly == true);
        var filter = new RfbClientFilter();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var stream = vnc.GetStream();
        var toVnc = BrowserToVncAsync(socket, stream, filter, () => viewOnly != true && control.Owner == ControlOwner.User, session.Token);
        var toBrowser = VncToBrowserAsync(stream, socket, session.Token);
        var first = await Task.WhenAny(toVnc, toBrowser);
        await session.CancelAsync();
        await CloseQuietlyAsync(socket, first.Exception?.InnerException);
        LiveViewClosed(logger, viewer, filter.DroppedInputMessages, first.Exception?.InnerException?.Message);
        return Results.Empty;
    }

    private static async Task BrowserToVncAsync(
        WebSocket socket, NetworkStream vnc, RfbClientFilter filter, Func<bool> inputAllowed, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var output = new ArrayBufferWriter<byte>(BufferSize);
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
                return;
            output.ResetWrittenCount();
            filter.Process(buffer.AsSpan(0, received.Count), output, inputAllowed());
            if (output.WrittenCount > 0)
                await vnc.WriteAsync(output.WrittenMemory, cancellationToken);
        }
    }

    private static async Task VncToBrowserAsync(NetworkStream vnc, WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = await vnc.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                return;
            await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
    }

    internal static async Task CloseQuietlyAsync(WebSocket socket, Exception? reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        var status = reason is RfbProtocolException ? WebSocketCloseStatus.ProtocolError : WebSocketCloseStatus.NormalClosure;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseAsync(status, reason is RfbProtocolException ? reason.Message : "VNC session ended", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            // The peer is already gone; there is nobody left to tell.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live view opened by {Viewer} (view only: {ViewOnly})")]
    private static partial void LiveViewOpened(ILogger logger, string viewer, bool viewOnly);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live view of {Viewer} closed; {Dropped} input messages dropped while the agent had control ({Reason})")]
    private static partial void LiveViewClosed(ILogger logger, string viewer, int dropped, string? reason);
}
