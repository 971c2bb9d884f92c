using System.Threading.Channels;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Control;

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
    private readonly DesktopControl _control;
    private readonly Task _consumer;

    public ActionQueue(DesktopControl control)
    {
        _control = control;
        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>
    /// Runs <paramref name="action"/> when its turn comes. An action <see cref="ComputerAction.ByAgent"/> runs only while the
    /// agent has control, checked when its turn comes, and is cancelled the moment the user takes control.
    /// </summary>
    public Task<T> RunAsync<T>(ComputerAction message, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync(message.ByAgent, action, cancellationToken);
    }

    /// <summary>Runs work that is not an action (a resolution change) in the same order as the actions.</summary>
    public Task<T> RunAsync<T>(
        bool byAgent, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _work.Writer.TryWrite(async () =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            var agentToken = byAgent ? _control.AgentToken : CancellationToken.None;
            if (agentToken.IsCancellationRequested)
            {
                done.TrySetException(new AgentNotInControlException());
                return;
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, agentToken);
            try
            {
                done.TrySetResult(await action(linked.Token));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (OperationCanceledException) when (agentToken.IsCancellationRequested)
            {
                done.TrySetException(new AgentNotInControlException("The user took control of the desktop while the agent's action ran; it was stopped."));
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
