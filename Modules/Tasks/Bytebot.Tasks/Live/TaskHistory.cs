using System.Runtime.CompilerServices;
using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;

namespace Bytebot.Tasks.Live;

/// <summary>A task's stream read back as the notifications live subscribers get (the dashboard's task page).</summary>
internal sealed class TaskHistory(IEventStore store) : ITaskHistory
{
    public async IAsyncEnumerable<TaskNotification> ReadAsync(Guid taskId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var recorded in store.ReadStreamAsync(TaskEventTypes.StreamId(taskId), 1, cancellationToken))
            yield return TaskBroadcastSubscriber.ToNotification(taskId, recorded);
    }
}
