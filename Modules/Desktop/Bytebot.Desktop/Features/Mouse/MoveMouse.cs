using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class MoveMouseHandler
{
    public static async Task<ActionCompleted> HandleAsync(MoveMouse message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        new Violations().OnScreen("coordinates", message.Coordinates, screen).ThrowIfAny();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            await desktop.Driver.MoveMouseAsync(message.Coordinates.ToDriver(), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
