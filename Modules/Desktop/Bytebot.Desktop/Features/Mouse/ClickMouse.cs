using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class ClickMouseHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<ClickMouse, ActionCompleted>
{
    public const int MaxClicks = 10;

    public async Task<ActionCompleted> HandleAsync(ClickMouse message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations()
            .Range("clickCount", message.ClickCount, 1, MaxClicks)
            .OnScreen("coordinates", message.Coordinates, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        var button = message.Button.ToDriver();
        return await queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await driver.MoveMouseAsync(point.ToDriver(), token);
            // No sleeps between clicks (Bytebot slept 150 ms): the X server groups them into a double-click by its own timing.
            await HeldKeys.AroundAsync(driver, held, async () =>
            {
                for (var i = 0; i < message.ClickCount; i++)
                {
                    await driver.SetButtonAsync(button, down: true, token);
                    await driver.SetButtonAsync(button, down: false, CancellationToken.None);
                }
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
