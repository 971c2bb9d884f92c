using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class ClickMouseHandler
{
    public const int MaxClicks = 10;

    public static async Task<ActionCompleted> HandleAsync(ClickMouse message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations()
            .Range("clickCount", message.ClickCount, 1, MaxClicks)
            .OnScreen("coordinates", message.Coordinates, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        var button = message.Button.ToDriver();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await desktop.Driver.MoveMouseAsync(point.ToDriver(), token);
            // No sleeps between clicks (Bytebot slept 150 ms): the X server groups them into a double-click by its own timing.
            await HeldKeys.AroundAsync(desktop.Driver, held, async () =>
            {
                for (var i = 0; i < message.ClickCount; i++)
                {
                    await desktop.Driver.SetButtonAsync(button, down: true, token);
                    await desktop.Driver.SetButtonAsync(button, down: false, CancellationToken.None);
                }
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
