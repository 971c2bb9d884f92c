using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class MoveMouseHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<MoveMouse, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(MoveMouse message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        new Violations().OnScreen("coordinates", message.Coordinates, screen).ThrowIfAny();
        return await queue.RunAsync(message, async token =>
        {
            await driver.MoveMouseAsync(message.Coordinates.ToDriver(), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
