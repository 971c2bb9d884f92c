using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;

namespace Bytebot.Tasks.Api;

/// <summary>Tasks created in-process (the agent's <c>create_task</c> tool): the HTTP endpoint's rules and events, no files.</summary>
public static class CreateTaskHandler
{
    public static async Task<TaskCreatedReply> HandleAsync(
        CreateTaskCommand message, IDocumentStore store, IModelCatalog catalog, TimeProvider clock, TaskWakeUp wakeUp,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var taskId = Guid.CreateVersion7();
        var decision = TaskDecisions.Create(message.Draft, [], TaskModels.Default(catalog), taskId, clock.GetUtcNow());
        if (decision.Refusal is { } refusal)
            throw new TaskRefusedException(refusal.Field ?? "", $"{refusal.Field}: {refusal.Message}");
        await TaskStreams.AppendAsync(store, taskId, 0, null, [.. decision.Events], cancellationToken);
        wakeUp.Signal();
        return new TaskCreatedReply(taskId);
    }
}
