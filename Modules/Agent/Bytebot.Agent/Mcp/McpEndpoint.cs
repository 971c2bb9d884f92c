using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace Bytebot.Agent.Mcp;

/// <summary>
/// <c>/mcp</c> on the SDK's streamable HTTP transport, stateless: the computer tools keep no session state and never
/// call back into the client, so any host of a fleet can answer any request. Authentication is the host's fallback
/// policy; the tools run in the request's scope.
/// </summary>
internal static class McpEndpoint
{
    public static IServiceCollection AddComputerMcp(this IServiceCollection services)
    {
        services.AddScoped<McpCalls>();
        services.ConfigureAll<OpenApiOptions>(options => options.AddDocumentTransformer((document, _, _) =>
        {
            McpDocs.Describe(document);
            return Task.CompletedTask;
        }));
        services
            .AddMcpServer(options => options.ServerInfo = new Implementation { Name = "bytebot", Version = "1.0.0" })
            .WithHttpTransport(http => http.Stateless = true)
            .WithListToolsHandler((_, _) => ValueTask.FromResult(new ListToolsResult { Tools = McpCalls.List }))
            .WithCallToolHandler(async (request, token) => await request.Services!.GetRequiredService<McpCalls>()
                .CallAsync(request.Params!.Name, request.Params.Arguments, token));
        return services;
    }

    public static IEndpointRouteBuilder MapComputerMcp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMcp("/mcp");
        return endpoints;
    }
}
