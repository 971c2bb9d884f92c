using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;

namespace Bytebot.Tasks.Api;

/// <summary>Tasks created in-process (the agent's <c>create_task</c> tool): same events as the HTTP endpoint, no files.</summary>
public static class CreateTaskHandler
{
    public static async Task<TaskCreatedReply> HandleAsync(
        CreateTaskCommand message, IDocumentStore store, TimeProvider clock, TaskWakeUp wakeUp,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var description = message.Description?.Trim() ?? "";
        if (description.Length is 0 or > 100_000)
            throw new ArgumentException("description: 1 to 100000 characters are required.", nameof(message));
        if (message.Type == AgentTaskType.Scheduled && message.ScheduledFor is null)
            throw new ArgumentException("scheduledFor: a SCHEDULED task needs a time.", nameof(message));
        var scheduledFor = message.Type == AgentTaskType.Scheduled ? message.ScheduledFor?.ToUniversalTime() : null;
        var now = clock.GetUtcNow();
        var taskId = Guid.CreateVersion7();
        await TaskStreams.AppendAsync(store, taskId, 0, null,
        [
            new TaskCreated(taskId, description, message.Type, message.Priority, scheduledFor, message.CreatedBy, message.Model, [], now),
            new MessageAdded(Guid.CreateVersion7(), TaskRole.User, [new TextContent(description)], now),
        ], cancellationToken);
        wakeUp.Signal();
        return new TaskCreatedReply(taskId);
    }
}
