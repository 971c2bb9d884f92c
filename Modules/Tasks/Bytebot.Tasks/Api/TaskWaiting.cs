using Bytebot.Nodes.Contracts;

namespace Bytebot.Tasks.Api;

/// <summary>The visible reason a routed task is not claimed: no node it may run on takes tasks now.</summary>
internal static class TaskWaiting
{
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
