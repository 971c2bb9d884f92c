using System.Net;
using System.Net.WebSockets;
using Bytebot.Nodes.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Streaming.Vnc;

/// <summary>
/// <c>/websockify?node=beta</c> on another node: the viewer's WebSocket relayed, message by message, to beta's own
/// <c>/websockify</c>, which filters the input against beta's desktop control. This node adds no filter of its own:
/// only the owning node knows who has control of its desktop.
/// </summary>
internal static partial class NodeBridge
{
    private const int BufferSize = 64 * 1024;

    public static async Task<IResult> BridgeAsync(
        HttpContext context, string node, bool viewOnly, INodeDirectory nodes, INodeCredential credential, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        var target = (await nodes.ListAsync(cancellationToken)).FirstOrDefault(n => n.Name == node);
        if (target is null)
            return Problem(StatusCodes.Status404NotFound, "Node not found",
                $"node: no node named {node} has ever heartbeated into this database.");
        if (target.Status == NodeStatus.Offline || target.Url is null)
            return Problem(StatusCodes.Status503ServiceUnavailable, "Node unreachable", target.Url is null
                ? $"node: {node} has not told where it listens yet (Node:Url)."
                : $"node: {node} is offline (last heartbeat {target.LastSeenAt:O}).");

        if (credential.Authorization is not { } authorization)
            return Problem(StatusCodes.Status503ServiceUnavailable, "This node has not joined",
                $"node: this node has no node credential to present to {node}; start it with Node__JoinToken "
                + "(POST /api/nodes/join-tokens).");

        using var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader("Authorization", authorization);
        upstream.Options.AddSubProtocol("binary");
        upstream.Options.CollectHttpResponseDetails = true;
        var uri = WebsockifyUri(target.Url, viewOnly);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await upstream.ConnectAsync(uri, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            return upstream.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? Problem(StatusCodes.Status502BadGateway, "Node refused this node",
                    $"node: {node} refused this node's credential ({(int)upstream.HttpStatusCode}): it was revoked "
                    + "or replaced; join this node again with a new Node__JoinToken.")
                : Problem(StatusCodes.Status502BadGateway, "Node unreachable",
                    $"node: {node} at {target.Url} did not open its live view ({(int)upstream.HttpStatusCode}): "
                    + e.Message);
        }

        var protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("binary") ? "binary" : null;
        using var viewer = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var who = context.User.Identity?.Name ?? "unknown";
        Opened(logger, who, node, target.Url);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(RelayAsync(viewer, upstream, session.Token),
            RelayAsync(upstream, viewer, session.Token));
        await session.CancelAsync();
        var reason = first.Exception?.InnerException;
        await WebsockifyBridge.CloseQuietlyAsync(viewer, reason);
        await WebsockifyBridge.CloseQuietlyAsync(upstream, reason);
        Closed(logger, who, node, reason?.Message);
        return Results.Empty;
    }

    internal static Uri WebsockifyUri(Uri node, bool viewOnly) => new UriBuilder(node)
    {
        Scheme = node.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs,
        Path = node.AbsolutePath.TrimEnd('/') + "/websockify",
        Query = viewOnly ? "viewOnly=true" : "",
    }.Uri;

    private static async Task RelayAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = await from.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
                return;
            await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage,
                cancellationToken);
        }
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live view of node {Node} ({Url}) opened by {Viewer}")]
    private static partial void Opened(ILogger logger, string viewer, string node, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live view of node {Node} by {Viewer} closed ({Reason})")]
    private static partial void Closed(ILogger logger, string viewer, string node, string? reason);
}
