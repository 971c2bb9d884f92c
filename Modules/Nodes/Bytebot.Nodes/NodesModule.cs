using Bytebot.Nodes.Api;
using Bytebot.Nodes.Contracts;
using Bytebot.Nodes.Credentials;
using Bytebot.Nodes.Presence;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Authorization;
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
        services.AddMigrations(NodesSchema.Module, NodesSchema.Registry, NodesSchema.Url, NodesSchema.Credentials);
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<INodeDirectory>(sp => sp.GetRequiredService<NodeRegistry>());
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<INodeAuthenticator>(sp => sp.GetRequiredService<CredentialStore>());
        services.AddSingleton<JoinFleet>();
        services.AddSingleton<INodeCredential>(sp => sp.GetRequiredService<JoinFleet>());
        services.AddHostedService(sp => sp.GetRequiredService<JoinFleet>());
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

        var admin = new AuthorizeAttribute { Roles = "admin" };
        nodes.MapPost("/join-tokens", ManageCredentials.CreateJoinTokenAsync).RequireAuthorization(admin)
            .WithName("CreateJoinToken")
            .WithSummary("A one-time join token (shown once, stored hashed, default 1 h) a new node exchanges for its "
                + "credential when started with Node__JoinToken.");
        nodes.MapGet("/credentials", ManageCredentials.ListAsync).RequireAuthorization(admin)
            .WithName("ListNodeCredentials").WithSummary("The nodes that joined: created, last used, revoked.");
        nodes.MapDelete("/{name}/credential", ManageCredentials.RevokeAsync).RequireAuthorization(admin)
            .WithName("RevokeNodeCredential")
            .WithSummary("Revokes the node's credential: other nodes refuse its requests from now on.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}
