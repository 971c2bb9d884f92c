using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Mouse;

internal sealed class TraceMouseHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<TraceMouse, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(TraceMouse message, CancellationToken cancellationToken)
    {
        var screen = await driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations().Path("path", message.Path, screen);
        var held = violations.Keys("holdKeys", message.HoldKeys, required: false);
        violations.ThrowIfAny();
        return await queue.RunAsync(message, async token =>
        {
            // Bytebot moves to the start before pressing the held keys, so the keys never apply to the jump there.
            await driver.MoveMouseAsync(message.Path[0].ToDriver(), token);
            await HeldKeys.AroundAsync(driver, held, async () =>
            {
                foreach (var point in message.Path.Skip(1))
                    await driver.MoveMouseAsync(point.ToDriver(), token);
            }, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
