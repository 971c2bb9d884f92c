using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Accessibility;

public static class AccessibilityTreeHandler
{
    public static async Task<AccessibleTree> HandleAsync(
        AccessibilityTree message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        AccessibleRef? window = null;
        if (message.Window != AccessibilityTree.Active && (window = AccessibleRef.Parse(message.Window)) is null)
            throw new ComputerActionRejectedException("window", "must be \"active\" or the id of a window from an "
                + $"earlier accessibility_tree, but is '{Elements.Shorten(message.Window)}'.");
        // Connected in the action's turn, so the tree shows what the actions queued before it left.
        var atspi = await desktop.Queue.RunAsync(message, desktop.Accessibility.ConnectAsync, cancellationToken);
        var target = window ?? await TreeReader.ActiveWindowAsync(atspi, cancellationToken);
        if (target is not { } found)
            return new AccessibleTree([], false);
        var facts = await ElementFacts.ReadAsync(atspi, found, cancellationToken);
        if (facts is null && window is not null)
            throw new ComputerActionRejectedException("window", Elements.Gone(message.Window));
        return facts is null
            ? new AccessibleTree([], false)
            : await TreeReader.ReadAsync(atspi, facts, cancellationToken);
    }
}
