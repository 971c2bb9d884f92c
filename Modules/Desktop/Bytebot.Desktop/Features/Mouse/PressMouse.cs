using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class PressMouseHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<PressMouse, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(PressMouse message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        new Violations().OnScreen("coordinates", message.Coordinates, screen).ThrowIfAny();
        return await queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await driver.MoveMouseAsync(point.ToDriver(), token);
            await driver.SetButtonAsync(message.Button.ToDriver(), message.Press == Press.Down, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
