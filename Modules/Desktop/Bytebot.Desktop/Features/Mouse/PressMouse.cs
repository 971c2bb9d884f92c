using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class PressMouseHandler
{
    public static async Task<ActionCompleted> HandleAsync(PressMouse message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        new Violations().OnScreen("coordinates", message.Coordinates, screen).ThrowIfAny();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await desktop.Driver.MoveMouseAsync(point.ToDriver(), token);
            await desktop.Driver.SetButtonAsync(message.Button.ToDriver(), message.Press == Press.Down, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
