using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Keyboard;

internal sealed class TypeKeysHandler(IDesktopDriver driver, ActionQueue queue, TimeProvider time)
    : IHandler<TypeKeys, ActionCompleted>
{
    public const int MaxDelay = 10_000;

    public async Task<ActionCompleted> HandleAsync(TypeKeys message, CancellationToken cancellationToken)
    {
        var violations = new Violations().Range("delay", message.Delay, 0, MaxDelay);
        var keys = violations.Keys("keys", message.Keys, required: true);
        violations.ThrowIfAny();
        var delay = TimeSpan.FromMilliseconds(message.Delay);
        return await queue.RunAsync(message, async token =>
        {
            if (message.Chord)
                await HeldKeys.AroundAsync(driver, keys, () => Pause(delay, token), token);
            else
                await InSequenceAsync(keys, delay, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }

    // Bytebot's docs promised "in sequence" while its code pressed a chord; sequence is what callers meant.
    private async Task InSequenceAsync(KeySymbol[] keys, TimeSpan delay, CancellationToken cancellationToken)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0)
                await Pause(delay, cancellationToken);
            await driver.SetKeysAsync([keys[i]], down: true, cancellationToken);
            await driver.SetKeysAsync([keys[i]], down: false, CancellationToken.None);
        }
    }

    private Task Pause(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, cancellationToken) : Task.CompletedTask;
}
