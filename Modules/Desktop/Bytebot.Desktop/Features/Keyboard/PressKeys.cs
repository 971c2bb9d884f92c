using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Keyboard;

internal sealed class PressKeysHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<PressKeys, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(PressKeys message, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var keys = violations.Keys("keys", message.Keys, required: true);
        violations.ThrowIfAny();
        var down = message.Press == Press.Down;
        IReadOnlyList<KeySymbol> ordered = down ? keys : keys.Reverse().ToArray();
        return await queue.RunAsync(message, async token =>
        {
            await driver.SetKeysAsync(ordered, down, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
