using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Screen;

internal sealed class WaitHandler(ActionQueue queue, TimeProvider time) : IHandler<Wait, ActionCompleted>
{
    // The queue is held for the whole wait; an unbounded one would block the desktop for everyone.
    public const int MaxDuration = 60_000;

    public Task<ActionCompleted> HandleAsync(Wait message, CancellationToken cancellationToken)
    {
        new Violations().Range("duration", message.Duration, 0, MaxDuration).ThrowIfAny();
        return queue.RunAsync(message, async token =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(message.Duration), time, token);
            return ActionCompleted.Instance;
        }, cancellationToken);
    }
}
