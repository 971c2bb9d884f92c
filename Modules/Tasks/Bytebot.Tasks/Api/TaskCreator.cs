using Bytebot.Agent.Contracts;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;
using Wolverine.Marten;

namespace Bytebot.Tasks.Api;

/// <summary>
/// The one way a task is created, whoever asks (the API, the agent's <c>create_task</c>, later channels): the draft is
/// decided by <see cref="TaskDecisions.Create"/>, the stream started with a SCHEDULED task's wake-up in the same
/// transaction, and the worker woken.
/// </summary>
// Public because the create-task handler takes it and Wolverine's generated adapter names it from another assembly.
public sealed class TaskCreator(
    IDocumentStore store, IMartenOutbox outbox, IModelCatalog catalog, TimeProvider clock, TaskWakeUp wakeUp,
    BytebotDatabase database)
{
    internal Task<(Guid TaskId, TaskRefusal? Refusal)> CreateAsync(
        TaskDraft draft, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken) =>
        CreateAsync(draft, files, alongside: null, cancellationToken);

    /// <summary>As above, with <paramref name="alongside"/>'s writes in the task's own transaction.</summary>
    internal async Task<(Guid TaskId, TaskRefusal? Refusal)> CreateAsync(
        TaskDraft draft, IReadOnlyList<StoredFile> files, Func<IDocumentSession, IMartenOutbox, Guid, ValueTask>? alongside,
        CancellationToken cancellationToken)
    {
        var taskId = Guid.CreateVersion7();
        var decision = await DecideAsync(draft, files, taskId, cancellationToken);
        if (decision.Refusal is { } refusal)
            return (taskId, refusal);
        await TaskStreams.StartAsync(store, outbox, decision.Events, alongside, cancellationToken);
        wakeUp.Signal();
        return (taskId, null);
    }

    /// <summary>What <see cref="CreateAsync(TaskDraft, IReadOnlyList{StoredFile}, CancellationToken)"/> would refuse,
    /// writing nothing (a schedule's task, checked when the schedule is made).</summary>
    internal async Task<TaskRefusal?> CheckAsync(TaskDraft draft, CancellationToken cancellationToken) =>
        (await DecideAsync(draft, [], Guid.CreateVersion7(), cancellationToken)).Refusal;

    private async Task<TaskDecision> DecideAsync(
        TaskDraft draft, IReadOnlyList<StoredFile> files, Guid taskId, CancellationToken cancellationToken)
    {
        var availability = draft.Model is { Provider: { Length: > 0 } provider, Name: { Length: > 0 } name }
            ? await catalog.CheckAsync(provider, name, cancellationToken)
            : ModelAvailability.Available;
        var named = TaskLinks.Named(draft);
        var existing = named.Count == 0 ? new HashSet<Guid>() : await TaskViews.ExistingAsync(database, named, cancellationToken);
        return TaskDecisions.Create(
            draft, files, TaskModels.Default(catalog), availability, taskId, clock.GetUtcNow(), existing);
    }
}
