using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Mouse;

namespace Bytebot.Desktop.Features.Accessibility;

/// <summary>
/// Clicks where the element is, as a user would; its own action only when it has no place on the screen. An action
/// that opens a modal dialog (GTK's Save As) runs the dialog inside the application's D-Bus handler, and the
/// application answers no accessibility call until the dialog closes (ADR 0033); a click does not.
/// </summary>
public static class ClickElementHandler
{
    // Chosen by name, never by index: action 0 of a GTK4 text view is "buffer.delete-line".
    private static readonly string[] ClickActions = ["click", "press", "activate", "jump", "toggle", "open"];

    public static async Task<ActionCompleted> HandleAsync(
        ClickElement message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var (atspi, element) = await Elements.FindAsync(message, message.Id, desktop, cancellationToken);
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        if (!element.Showing)
            throw new ComputerActionRejectedException("id",
                $"{Elements.Describe(element)} is not showing; read accessibility_tree again.");
        if (element.Bounds is { } b && b.X + b.Width / 2 < screen.Width && b.Y + b.Height / 2 < screen.Height)
        {
            var centre = new Coordinates(b.X + b.Width / 2, b.Y + b.Height / 2);
            var click = new ClickMouse(PointerButton.Left, 1, centre, [])
            {
                ByAgent = message.ByAgent,
            };
            return await ClickMouseHandler.HandleAsync(click, desktop, cancellationToken);
        }
        var index = ClickActions.Select(name => element.Actions.ToList().IndexOf(name)).FirstOrDefault(i => i >= 0, -1);
        if (index < 0)
            throw new ComputerActionRejectedException("id", $"{Elements.Describe(element)} has no place on the screen "
                + $"and no click action (it has: {string.Join(", ", element.Actions.DefaultIfEmpty("none"))}).");
        return await desktop.Queue.RunAsync(message, async token =>
            await atspi.DoActionAsync(element.Ref, index, token)
                ? ActionCompleted.Instance
                : throw new ComputerActionRejectedException("id",
                    $"{Elements.Describe(element)} refused its '{element.Actions[index]}' action."),
            cancellationToken);
    }
}
