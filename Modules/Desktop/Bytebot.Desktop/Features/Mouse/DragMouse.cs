using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Mouse;

public static class DragMouseHandler
{
    public static async Task<ActionCompleted> HandleAsync(DragMouse message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations().Path("path", message.Path, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        var button = message.Button.ToDriver();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            await desktop.Driver.MoveMouseAsync(message.Path[0].ToDriver(), token);
            await HeldKeys.AroundAsync(desktop.Driver, held, async () =>
            {
                await desktop.Driver.SetButtonAsync(button, down: true, token);
                try
                {
                    foreach (var point in message.Path.Skip(1))
                        await desktop.Driver.MoveMouseAsync(point.ToDriver(), token);
                }
                finally
                {
                    // A button left down turns every later move into a drag.
                    await desktop.Driver.SetButtonAsync(button, down: false, CancellationToken.None);
                }
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
