using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class WaitHandler
{
    // The queue is held for the whole wait; an unbounded one would block the desktop for everyone.
    public const int MaxDuration = 60_000;

    public static Task<ActionCompleted> HandleAsync(Wait message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        new Violations().Range("duration", message.Duration, 0, MaxDuration).ThrowIfAny();
        return desktop.Queue.RunAsync(message, async token =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(message.Duration), desktop.Time, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
