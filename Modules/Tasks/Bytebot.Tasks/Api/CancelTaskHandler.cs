using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.ReadModels;
using Marten;

namespace Bytebot.Tasks.Api;

/// <summary>Cancels in-process (a channel's command): the HTTP endpoint's decision, refusals as exceptions.</summary>
public static class CancelTaskHandler
{
    public static async Task<TaskCancelledReply> HandleAsync(
        CancelTaskCommand message, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(clock);
        var (before, refusal) = await TaskWrites.DecideAndAppendAsync(
            store, message.TaskId, state => TaskDecisions.Cancel(state, clock.GetUtcNow()), cancellationToken);
        if (!before.Exists)
            throw new TaskRefusedException("taskId", $"No task has id {message.TaskId}.");
        return refusal is null
            ? new TaskCancelledReply(message.TaskId, Wire.Name(before.Status))
            : throw new TaskRefusedException(refusal.Field ?? "", refusal.Message);
    }
}
