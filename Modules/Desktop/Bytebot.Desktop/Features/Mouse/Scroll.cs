using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class ScrollHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<Scroll, ActionCompleted>
{
    public const int MaxSteps = 100;

    public async Task<ActionCompleted> HandleAsync(Scroll message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations()
            .Range("scrollCount", message.ScrollCount, 1, MaxSteps)
            .OnScreen("coordinates", message.Coordinates, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        var direction = message.Direction switch
        {
            Direction.Up => ScrollDirection.Up,
            Direction.Left => ScrollDirection.Left,
            Direction.Right => ScrollDirection.Right,
            _ => ScrollDirection.Down,
        };
        return await queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await driver.MoveMouseAsync(point.ToDriver(), token);
            await HeldKeys.AroundAsync(driver, held, () => driver.ScrollAsync(direction, message.ScrollCount, token), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
