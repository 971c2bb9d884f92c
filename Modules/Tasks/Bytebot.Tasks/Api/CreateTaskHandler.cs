using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Api;

/// <summary>Tasks created in-process (the agent's <c>create_task</c> tool): the HTTP endpoint's rules and events, no files.</summary>
public static class CreateTaskHandler
{
    public static async Task<TaskCreatedReply> HandleAsync(
        CreateTaskCommand message, TaskCreator creator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(creator);
        var (taskId, refusal) = await creator.CreateAsync(message.Draft, [], cancellationToken);
        return refusal is null
            ? new TaskCreatedReply(taskId)
            : throw new TaskRefusedException(refusal.Field ?? "", $"{refusal.Field}: {refusal.Message}");
    }
}
