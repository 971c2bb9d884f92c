using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Keyboard;

public static class TypeKeysHandler
{
    public const int MaxDelay = 10_000;

    public static async Task<ActionCompleted> HandleAsync(TypeKeys message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var violations = new Violations().Range("delay", message.Delay, 0, MaxDelay);
        var keys = violations.Keys("keys", message.Keys, required: true);
        violations.ThrowIfAny();
        var delay = TimeSpan.FromMilliseconds(message.Delay);
        return await desktop.Queue.RunAsync(message, async token =>
        {
            if (message.Chord)
                await HeldKeys.AroundAsync(desktop.Driver, keys, () => Pause(desktop.Time, delay, token), token);
            else
                await InSequenceAsync(desktop, keys, delay, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }

    // Bytebot's docs promised "in sequence" while its code pressed a chord; sequence is what callers meant.
    private static async Task InSequenceAsync(DesktopActions desktop, KeySymbol[] keys, TimeSpan delay, CancellationToken cancellationToken)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0)
                await Pause(desktop.Time, delay, cancellationToken);
            await desktop.Driver.SetKeysAsync([keys[i]], down: true, cancellationToken);
            await desktop.Driver.SetKeysAsync([keys[i]], down: false, CancellationToken.None);
        }
    }

    private static Task Pause(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, cancellationToken) : Task.CompletedTask;
}
