using System.Threading.Channels;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// Runs whole actions one after the other in arrival order. The driver serializes single calls, but a click or a chord is
/// several calls: two requests interleaving them would press each other's modifiers.
/// </summary>
internal sealed class ActionQueue : IAsyncDisposable
{
    // Beyond this the caller gets 429 instead of a wait that outlives its own timeout (reliability.md L1).
    public const int Capacity = 256;

    private readonly Channel<Func<Task>> _work = Channel.CreateBounded<Func<Task>>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _consumer;

    public ActionQueue() => _consumer = Task.Run(ConsumeAsync);

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _work.Writer.TryWrite(async () =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                done.TrySetResult(await action(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
        });
        if (!queued)
            throw new DesktopBusyException();
        return done.Task;
    }

    private async Task ConsumeAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
            await work();
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _consumer;
    }
}

internal sealed class DesktopBusyException : Exception
{
    public DesktopBusyException()
        : base($"{ActionQueue.Capacity} actions are already waiting for this desktop.")
    {
    }
}
