using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Keyboard;

public static class PasteTextHandler
{
    public static async Task<ActionCompleted> HandleAsync(PasteText message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        TextRules.Check(violations, message.Text);
        violations.ThrowIfAny();
        var text = await desktop.RevealAsync(message.Text, "text", cancellationToken);
        if (!KeyNames.TryResolve("Control_L", out var control) || !KeyNames.TryResolve("v", out var v))
            throw new InvalidOperationException("The key table cannot resolve Control_L and v.");
        return await desktop.Queue.RunAsync(message, async token =>
        {
            // The host owns the selection and answers the paste itself, so no sleep is needed between the two (Bytebot slept 100 ms).
            await desktop.Driver.SetClipboardAsync(text, token);
            await HeldKeys.AroundAsync(desktop.Driver, [control, v], () => Task.CompletedTask, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
