using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Accessibility;

public static class FocusElementHandler
{
    public static async Task<ActionCompleted> HandleAsync(
        FocusElement message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var (atspi, element) = await Elements.FindAsync(message, message.Id, desktop, cancellationToken);
        if (!element.Has("Component") || !element.States.Has(AccessibleStates.Focusable))
            throw new ComputerActionRejectedException("id",
                $"{Elements.Describe(element)} cannot take the keyboard focus.");
        return await desktop.Queue.RunAsync(message, async token =>
            await atspi.GrabFocusAsync(element.Ref, token)
                ? ActionCompleted.Instance
                : throw new ComputerActionRejectedException("id",
                    $"{Elements.Describe(element)} did not take the keyboard focus."),
            cancellationToken);
    }
}
