using Bytebot.Nodes.Api;
using Bytebot.Nodes.Contracts;
using Bytebot.Nodes.Presence;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Nodes;

public static class NodesModule
{
    public static IServiceCollection AddNodesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = NodesOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<INodeIdentity>(options);
        services.AddMigrations(NodesSchema.Module, NodesSchema.Registry, NodesSchema.Url);
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<INodeDirectory>(sp => sp.GetRequiredService<NodeRegistry>());
        services.AddHostedService<NodeHeartbeat>();
        return services;
    }

    public static IEndpointRouteBuilder MapNodesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes.ListAsync)
            .WithName("ListNodes")
            .WithSummary("Every node on this database: capabilities, online|offline|draining, last heartbeat, "
                + "desktop size, running tasks, version.");
        nodes.MapPost("/{name}/drain", (string name, NodeRegistry registry, Tasks.Contracts.IRunningTasks running,
                CancellationToken ct) => ListNodes.SetDrainingAsync(name, true, registry, running, ct))
            .WithName("DrainNode").WithSummary("The node finishes its running tasks and claims no new ones.")
            .Produces<NodeView>().ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapPost("/{name}/undrain", (string name, NodeRegistry registry, Tasks.Contracts.IRunningTasks running,
                CancellationToken ct) => ListNodes.SetDrainingAsync(name, false, registry, running, ct))
            .WithName("UndrainNode").WithSummary("The node claims tasks again.")
            .Produces<NodeView>().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}
