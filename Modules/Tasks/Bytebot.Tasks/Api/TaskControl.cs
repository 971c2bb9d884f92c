using Bytebot.Desktop.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>Takeover, resume, retry, cancel and delete: each writes only to its own task's stream.</summary>
internal static class TaskControl
{
    /// <summary>
    /// Hands the desktop to the user before answering: once the caller has the answer, the desktop refuses the agent's
    /// actions (an action in flight is cancelled), whatever the worker is doing.
    /// </summary>
    public static async Task<IResult> TakeOverAsync(
        Guid id, IDocumentStore store, TaskViews views, TimeProvider clock, IDesktopControl desktop, CancellationToken cancellationToken)
    {
        var error = await TaskWrites.AppendAsync(store, id, state => TaskDecisions.TakeOver(state, clock.GetUtcNow()), cancellationToken);
        if (error is not null)
            return error;
        desktop.Assign(ControlOwner.User);
        return TypedResults.Ok(await views.GetAsync(id, detailed: false, cancellationToken));
    }

    public static Task<IResult> ResumeAsync(Guid id, IDocumentStore store, TaskViews views, TimeProvider clock,
        TaskWakeUp wakeUp, CancellationToken cancellationToken) =>
        QueueAgainAsync(id, store, views, state => TaskDecisions.Resume(state, clock.GetUtcNow()), wakeUp,
            cancellationToken);

    public static Task<IResult> RetryAsync(Guid id, IDocumentStore store, TaskViews views, TimeProvider clock,
        TaskWakeUp wakeUp, CancellationToken cancellationToken) =>
        QueueAgainAsync(id, store, views, state => TaskDecisions.Retry(state, clock.GetUtcNow()), wakeUp,
            cancellationToken);

    public static async Task<IResult> CancelAsync(Guid id, IDocumentStore store, TaskViews views, TimeProvider clock, CancellationToken cancellationToken) =>
        await TaskWrites.AppendAsync(store, id, state => TaskDecisions.Cancel(state, clock.GetUtcNow()), cancellationToken)
        ?? TypedResults.Ok(await views.GetAsync(id, detailed: false, cancellationToken));

    public static async Task<IResult> DeleteAsync(Guid id, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await TaskWrites.AppendAsync(store, id, _ => TaskDecisions.Delete(clock.GetUtcNow()), cancellationToken)
        ?? TypedResults.NoContent();

    private static async Task<IResult> QueueAgainAsync(Guid id, IDocumentStore store, TaskViews views,
        Func<TaskState, TaskDecision> decide, TaskWakeUp wakeUp, CancellationToken cancellationToken)
    {
        var error = await TaskWrites.AppendAsync(store, id, decide, cancellationToken);
        if (error is not null)
            return error;
        wakeUp.Signal();
        return TypedResults.Ok(await views.GetAsync(id, detailed: false, cancellationToken));
    }
}
