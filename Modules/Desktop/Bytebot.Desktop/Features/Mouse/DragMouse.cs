using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class DragMouseHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<DragMouse, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(DragMouse message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations().Path("path", message.Path, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        var button = message.Button.ToDriver();
        return await queue.RunAsync(message, async token =>
        {
            await driver.MoveMouseAsync(message.Path[0].ToDriver(), token);
            await HeldKeys.AroundAsync(driver, held, async () =>
            {
                await driver.SetButtonAsync(button, down: true, token);
                try
                {
                    foreach (var point in message.Path.Skip(1))
                        await driver.MoveMouseAsync(point.ToDriver(), token);
                }
                finally
                {
                    // A button left down turns every later move into a drag.
                    await driver.SetButtonAsync(button, down: false, CancellationToken.None);
                }
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
