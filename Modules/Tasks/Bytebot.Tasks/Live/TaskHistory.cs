using System.Runtime.CompilerServices;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Marten;

namespace Bytebot.Tasks.Live;

/// <summary>A task's stream read back as the notifications live subscribers get (SSE replay, the task page).</summary>
internal sealed class TaskHistory(IDocumentStore store) : ITaskHistory
{
    public IAsyncEnumerable<TaskNotification> ReadAsync(Guid taskId, CancellationToken cancellationToken) =>
        ReadAsync(store, taskId, cancellationToken);

    public static async IAsyncEnumerable<TaskNotification> ReadAsync(
        IDocumentStore store, Guid taskId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var recorded in await TaskStreams.ReadAsync(store, taskId, 1, cancellationToken))
            yield return TaskEventLog.ToNotification(recorded);
    }
}
