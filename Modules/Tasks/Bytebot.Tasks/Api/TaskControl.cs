using Bytebot.Desktop.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>Takeover, resume, cancel and delete: each writes only to its own task's stream.</summary>
internal static class TaskControl
{
    /// <summary>
    /// Hands the desktop to the user before answering: once the caller has the answer, the desktop refuses the agent's
    /// actions (an action in flight is cancelled), whatever the worker is doing.
    /// </summary>
    public static async Task<IResult> TakeOverAsync(
        Guid id, IDocumentStore store, TaskViews views, TimeProvider clock, IDesktopControl desktop, CancellationToken cancellationToken)
    {
        var taken = false;
        var error = await TaskWrites.AppendAsync(store, id, state =>
        {
            if (state.IsFinished)
                return (TaskProblems.Conflict($"The task is {Wire(state.Status)}."), []);
            if (state.Control != TaskRole.Assistant)
                return (TaskProblems.Conflict("The user already has control."), []);
            taken = true;
            return (null, [new TaskTakenOver(clock.GetUtcNow())]);
        }, cancellationToken);
        if (error is not null)
            return error;
        if (taken)
            desktop.Assign(ControlOwner.User);
        return TypedResults.Ok(await views.GetAsync(id, detailed: false, cancellationToken));
    }

    public static Task<IResult> ResumeAsync(Guid id, IDocumentStore store, TaskViews views, TimeProvider clock, TaskWakeUp wakeUp, CancellationToken cancellationToken) =>
        RunAsync(id, store, views, state =>
        {
            if (state.IsFinished)
                return (TaskProblems.Conflict($"The task is {Wire(state.Status)}."), []);
            if (state.Control != TaskRole.User)
                return (TaskProblems.Conflict("The assistant already has control."), []);
            wakeUp.Signal();
            return (null, [new TaskResumed(clock.GetUtcNow())]);
        }, cancellationToken);

    public static Task<IResult> CancelAsync(Guid id, IDocumentStore store, TaskViews views, TimeProvider clock, CancellationToken cancellationToken) =>
        RunAsync(id, store, views, state =>
            state.IsFinished ? (TaskProblems.Conflict($"The task is already {Wire(state.Status)}."), [])
            : (null, [new TaskCancelled(clock.GetUtcNow())]), cancellationToken);

    public static async Task<IResult> DeleteAsync(Guid id, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await TaskWrites.AppendAsync(store, id, _ => (null, [new TaskDeleted(clock.GetUtcNow())]), cancellationToken)
        ?? TypedResults.NoContent();

    private static async Task<IResult> RunAsync(Guid id, IDocumentStore store, TaskViews views,
        Func<TaskState, (IResult?, object[])> decide, CancellationToken cancellationToken) =>
        await TaskWrites.AppendAsync(store, id, decide, cancellationToken)
        ?? TypedResults.Ok(await views.GetAsync(id, detailed: false, cancellationToken));

    private static string Wire(AgentTaskStatus status) => ReadModels.Wire.Name(status);
}
