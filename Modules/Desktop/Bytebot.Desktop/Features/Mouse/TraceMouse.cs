using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class TraceMouseHandler
{
    public static async Task<ActionCompleted> HandleAsync(TraceMouse message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations().Path("path", message.Path, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            // Bytebot moves to the start before pressing the held keys, so the keys never apply to the jump there.
            await desktop.Driver.MoveMouseAsync(message.Path[0].ToDriver(), token);
            await HeldKeys.AroundAsync(desktop.Driver, held, async () =>
            {
                foreach (var point in message.Path.Skip(1))
                    await desktop.Driver.MoveMouseAsync(point.ToDriver(), token);
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
