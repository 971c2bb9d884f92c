using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Keyboard;

internal sealed class PasteTextHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<PasteText, ActionCompleted>
{
    public async Task<ActionCompleted> HandleAsync(PasteText message, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        TextRules.Check(violations, message.Text);
        violations.ThrowIfAny();
        if (!KeyNames.TryResolve("Control_L", out var control) || !KeyNames.TryResolve("v", out var v))
            throw new InvalidOperationException("The key table cannot resolve Control_L and v.");
        return await queue.RunAsync(message, async token =>
        {
            // The host owns the selection and answers the paste itself, so no sleep is needed between the two (Bytebot slept 100 ms).
            await driver.SetClipboardAsync(message.Text, token);
            await HeldKeys.AroundAsync(driver, [control, v], () => Task.CompletedTask, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
