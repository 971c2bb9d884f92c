using System.Text.RegularExpressions;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Decisions;

/// <summary>Where a task may run: a node by name, capabilities all required, fallbacks while the node is offline.</summary>
internal sealed record TaskRouting(string? Node, IReadOnlyList<string> Capabilities, IReadOnlyList<string> FallbackNodes)
{
    public static readonly TaskRouting Anywhere = new(null, [], []);

    private const int MaxItems = 32;

    public bool IsRouted => Node is not null || Capabilities.Count > 0;

    /// <summary>The draft's routing, or the refusal naming its first bad field.</summary>
    public static (TaskRouting Routing, TaskRefusal? Refusal) Decide(TaskDraft draft)
    {
        var node = draft.Node?.Trim();
        if (node is not null && !Names.NodeName().IsMatch(node))
            return Refuse("node", "A node name: 1-100 letters, digits, '.', '_' or '-'.");
        var capabilities = new List<string>();
        foreach (var (raw, i) in (draft.Capabilities ?? []).Select((c, i) => (c, i)))
        {
            var capability = raw?.Trim().ToLowerInvariant() ?? "";
            if (!Names.Capability().IsMatch(capability))
                return Refuse($"capabilities[{i}]", "A capability: 1-64 letters, digits, '.', '_', '+' or '-'.");
            capabilities.Add(capability);
        }
        if (capabilities.Count > MaxItems)
            return Refuse("capabilities", $"At most {MaxItems}.");
        var fallbacks = new List<string>();
        foreach (var (raw, i) in (draft.FallbackNodes ?? []).Select((n, i) => (n, i)))
        {
            var fallback = raw?.Trim() ?? "";
            if (!Names.NodeName().IsMatch(fallback))
                return Refuse($"fallbackNodes[{i}]", "A node name: 1-100 letters, digits, '.', '_' or '-'.");
            fallbacks.Add(fallback);
        }
        if (fallbacks.Count > 0 && node is null)
            return Refuse("fallbackNodes", "Fallbacks stand in for a named node: set node too.");
        if (fallbacks.Count > MaxItems)
            return Refuse("fallbackNodes", $"At most {MaxItems}.");
        return (new TaskRouting(node, [.. capabilities.Distinct().Order(StringComparer.Ordinal)],
            [.. fallbacks.Where(f => f != node).Distinct()]), null);
    }

    private static (TaskRouting, TaskRefusal) Refuse(string field, string message) =>
        (Anywhere, new TaskRefusal(field, message));
}

internal static partial class Names
{
    [GeneratedRegex(Nodes.Contracts.NodeCredentialScheme.NodeNamePattern)]
    public static partial Regex NodeName();

    [GeneratedRegex("^[a-z0-9][a-z0-9._+-]{0,63}$")]
    public static partial Regex Capability();
}
