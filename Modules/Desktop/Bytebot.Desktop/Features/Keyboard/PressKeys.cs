using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Keyboard;

public static class PressKeysHandler
{
    public static async Task<ActionCompleted> HandleAsync(PressKeys message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var keys = violations.Keys("keys", message.Keys, required: true);
        violations.ThrowIfAny();
        var down = message.Press == Press.Down;
        IReadOnlyList<KeySymbol> ordered = down ? keys : keys.Reverse().ToArray();
        return await desktop.Queue.RunAsync(message, async token =>
        {
            await desktop.Driver.SetKeysAsync(ordered, down, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
