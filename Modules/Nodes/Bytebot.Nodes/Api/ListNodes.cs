using Bytebot.Nodes.Presence;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bytebot.Nodes.Api;

internal sealed record DesktopSize(int Width, int Height);

internal sealed record NodeView(
    string Name, IReadOnlyList<string> Capabilities, string Status, DateTimeOffset LastSeenAt, DesktopSize Desktop,
    int RunningTasks, string Version, Uri? Url);

internal static class ListNodes
{
    public static async Task<Ok<IReadOnlyList<NodeView>>> ListAsync(
        NodeRegistry registry, IRunningTasks running, CancellationToken cancellationToken)
    {
        var nodes = await registry.ListAsync(cancellationToken);
        var counts = await running.CountByNodeAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<NodeView>>([.. nodes.Select(n => new NodeView(n.Name, n.Capabilities,
            n.Status, n.LastSeenAt, new DesktopSize(n.Width, n.Height), counts.GetValueOrDefault(n.Name), n.Version,
            n.Url))]);
    }

    /// <summary>Draining: the node finishes what it runs and claims nothing new, until undrained.</summary>
    public static async Task<IResult> SetDrainingAsync(
        string name, bool draining, NodeRegistry registry, IRunningTasks running, CancellationToken cancellationToken)
    {
        if (!await registry.SetDrainingAsync(name, draining, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Node not found",
                detail: $"No node named {name} has ever heartbeated into this database.");
        }
        var nodes = (await ListAsync(registry, running, cancellationToken)).Value!;
        return TypedResults.Ok(nodes.Single(n => n.Name == name));
    }
}
