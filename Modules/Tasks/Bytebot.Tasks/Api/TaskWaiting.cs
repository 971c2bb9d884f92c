using Bytebot.Nodes.Contracts;

namespace Bytebot.Tasks.Api;

/// <summary>The visible reason a routed task is not claimed: no node it may run on takes tasks now.</summary>
internal static class TaskWaiting
{
    /// <summary>
    /// Why a task waiting for others is not claimed: a dependency not yet COMPLETED, or held because one FAILED, was
    /// CANCELLED or deleted (it goes on if that one is retried and completes).
    /// </summary>
    public static string? ForDependencies(TaskView task, IReadOnlyDictionary<Guid, string> statuses)
    {
        if (task.DependsOn is not { Count: > 0 } dependencies)
            return null;
        foreach (var id in dependencies)
        {
            if (!statuses.TryGetValue(id, out var status))
                return $"held: dependency {id} was deleted";
            if (status is "FAILED" or "CANCELLED")
                return $"held: dependency {id} is {status}";
        }
        var open = dependencies.Where(id => statuses[id] != "COMPLETED").ToList();
        return open.Count == 0 ? null
            : $"waiting for {(open.Count == 1 ? "task" : "tasks")} {string.Join(", ", open)} to complete";
    }

    public static string? Reason(TaskView task, IReadOnlyList<NodePresence> available)
    {
        var capabilities = task.Capabilities ?? [];
        bool Fits(string name) => available.Any(n => n.Name == name && capabilities.All(n.Capabilities.Contains));
        var with = capabilities.Count == 0 ? "" : " with " + string.Join(", ", capabilities);
        if (task.Node is { } node)
        {
            if (Fits(node) || (task.FallbackNodes ?? []).Any(Fits))
                return null;
            var fallbacks = task.FallbackNodes is { Count: > 0 } f ? $" or a fallback ({string.Join(", ", f)})" : "";
            return $"waiting for node {node}{fallbacks}{with}";
        }
        if (capabilities.Count == 0 || available.Any(n => capabilities.All(n.Capabilities.Contains)))
            return null;
        return $"waiting for a node{with}";
    }
}
