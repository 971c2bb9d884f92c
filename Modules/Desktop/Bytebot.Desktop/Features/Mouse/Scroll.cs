using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class ScrollHandler
{
    public const int MaxSteps = 100;

    public static async Task<ActionCompleted> HandleAsync(Scroll message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
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
        return await desktop.Queue.RunAsync(message, async token =>
        {
            if (message.Coordinates is { } point)
                await desktop.Driver.MoveMouseAsync(point.ToDriver(), token);
            await HeldKeys.AroundAsync(desktop.Driver, held, () => desktop.Driver.ScrollAsync(direction, message.ScrollCount, token), token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
