using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Bytebot.Desktop.Mcp;

/// <summary>
/// <c>/mcp</c> on the SDK's streamable HTTP transport in stateless mode (ModelContextProtocol.AspNetCore is not on
/// this registry): each POST gets its own transport and server, which is all the computer tools need — they keep no
/// session state and never call back into the client. Authentication is the host's fallback policy.
/// </summary>
internal static class McpEndpoint
{
    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    public static IEndpointRouteBuilder MapMcp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/mcp", HandlePostAsync).DisableAntiforgery();
        // No server-to-client stream and no session to delete in stateless mode; clients treat 405 as "not offered".
        endpoints.MapMethods("/mcp", [HttpMethods.Get, HttpMethods.Delete], () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed));
        return endpoints;
    }

    private static async Task HandlePostAsync(HttpContext http, ComputerTools tools, ILoggerFactory loggers)
    {
        var cancellationToken = http.RequestAborted;
        JsonRpcMessage? message;
        try
        {
            message = await http.Request.ReadFromJsonAsync(MessageType, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            message = null;
        }
        if (message is null)
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not a JSON-RPC message").ExecuteAsync(http);
            return;
        }
        if (http.User.Identity?.IsAuthenticated == true)
            message.Context = new() { User = http.User };

        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "bytebot", Version = "1.0.0" },
            ScopeRequests = false,
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools.List }),
                CallToolHandler = async (request, token) =>
                    await tools.CallAsync(request.Params!.Name, request.Params.Arguments, token),
            },
        };
        await using var transport = new StreamableHttpServerTransport(loggers) { Stateless = true };
        var server = McpServer.Create(transport, options, loggers, http.RequestServices);
        await using (server)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var run = server.RunAsync(stop.Token);
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache,no-store";
            http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            var wrote = await transport.HandlePostRequestAsync(message, http.Response.Body, cancellationToken);
            if (!wrote)
            {
                http.Response.Headers.ContentType = (string?)null;
                http.Response.StatusCode = StatusCodes.Status202Accepted;
            }
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // The server's run ends with the request; that is the normal way out in stateless mode.
            }
        }
    }
}
