using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// Lists a window's showing elements. Each level of the tree is read at once (the calls of all its elements are in
/// flight together), so the time grows with the tree's depth, not its size. An element that is gone or does not answer
/// is left out; after <see cref="MaxTimeouts"/> calls that timed out, the rest is not read.
/// </summary>
internal static class TreeReader
{
    public const int MaxElements = 1_000;
    public const int MaxDepth = 40;
    public const int MaxTimeouts = 3;

    // A list or table that manages its descendants can hold thousands of rows; these are the first of them.
    public const int MaxManagedChildren = 100;

    private sealed record Node(ElementFacts Facts, int Parent, int Depth)
    {
        public List<int> Children { get; } = [];
    }

    /// <summary>The focused window: a top-level element of an application that is active and on the screen.</summary>
    public static async Task<AccessibleRef?> ActiveWindowAsync(AtSpi atspi, CancellationToken cancellationToken)
    {
        var applications = await atspi.ChildrenAsync(AtSpi.Root, cancellationToken).ConfigureAwait(false);
        var windows = await Task.WhenAll(applications.Select(async application =>
        {
            var tops = await ChildrenOrNoneAsync(atspi, application, cancellationToken).ConfigureAwait(false);
            var facts = await Task.WhenAll(tops.Select(async top =>
            {
                try
                {
                    var states = await atspi.StatesAsync(top, cancellationToken).ConfigureAwait(false);
                    // xfwm4 keeps an active 5x5 window off the screen: a window counts once it is on the screen.
                    if (!states.Has(AccessibleStates.Active))
                        return null;
                    var bounds = await atspi.ExtentsAsync(top, cancellationToken).ConfigureAwait(false);
                    return bounds is { Width: > 10, Height: > 10 } ? top : (AccessibleRef?)null;
                }
                catch (Exception e) when (AtSpiErrors.IsGone(e) || e is TimeoutException)
                {
                    return null;
                }
            })).ConfigureAwait(false);
            return facts.FirstOrDefault(f => f is not null);
        })).ConfigureAwait(false);
        return windows.FirstOrDefault(w => w is not null);
    }

    public static async Task<AccessibleTree> ReadAsync(
        AtSpi atspi, ElementFacts window, CancellationToken cancellationToken)
    {
        List<Node> nodes = [new(window, -1, 0)];
        var timeouts = 0;
        var truncated = false;
        List<int> level = [0];
        while (level.Count > 0)
        {
            List<(int Parent, AccessibleRef Child)> next = [];
            var children = await Task.WhenAll(level.Select(async index =>
            {
                var node = nodes[index];
                if (!node.Facts.Showing || node.Depth >= MaxDepth)
                    return (index, Refs: Array.Empty<AccessibleRef>());
                try
                {
                    var refs = await atspi.ChildrenAsync(node.Facts.Ref, cancellationToken).ConfigureAwait(false);
                    if (node.Facts.States.Has(AccessibleStates.ManagesDescendants) && refs.Length > MaxManagedChildren)
                    {
                        truncated = true;
                        refs = refs[..MaxManagedChildren];
                    }
                    return (index, Refs: refs);
                }
                catch (Exception e) when (AtSpiErrors.IsGone(e) || e is TimeoutException)
                {
                    if (e is TimeoutException)
                        Interlocked.Increment(ref timeouts);
                    return (index, Refs: Array.Empty<AccessibleRef>());
                }
            })).ConfigureAwait(false);
            foreach (var (parent, refs) in children)
                next.AddRange(refs.Select(r => (parent, r)));
            if (nodes.Count + next.Count > MaxElements)
            {
                truncated = true;
                next = next[..Math.Max(0, MaxElements - nodes.Count)];
            }
            if (timeouts >= MaxTimeouts)
            {
                truncated = true;
                break;
            }
            var facts = await Task.WhenAll(next.Select(n => ElementFacts.ReadAsync(atspi, n.Child, cancellationToken)))
                .ConfigureAwait(false);
            level = [];
            for (var i = 0; i < next.Count; i++)
            {
                // Hidden elements go with everything they hold: a closed menu's items, a tab that is not shown.
                if (facts[i] is not { Showing: true } child)
                    continue;
                var parent = next[i].Parent;
                nodes.Add(new Node(child, parent, nodes[parent].Depth + 1));
                nodes[parent].Children.Add(nodes.Count - 1);
                level.Add(nodes.Count - 1);
            }
        }
        List<AccessibleElement> elements = new(nodes.Count);
        AddDepthFirst(nodes, 0, elements);
        return new AccessibleTree(elements, truncated);
    }

    private static void AddDepthFirst(List<Node> nodes, int index, List<AccessibleElement> elements)
    {
        var node = nodes[index];
        elements.Add(node.Facts.ToElement(node.Parent < 0 ? null : nodes[node.Parent].Facts.Ref.Id, node.Depth));
        foreach (var child in node.Children)
            AddDepthFirst(nodes, child, elements);
    }

    private static async Task<AccessibleRef[]> ChildrenOrNoneAsync(
        AtSpi atspi, AccessibleRef element, CancellationToken cancellationToken)
    {
        try
        {
            return await atspi.ChildrenAsync(element, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AtSpiErrors.IsGone(e) || e is TimeoutException)
        {
            return [];
        }
    }
}
