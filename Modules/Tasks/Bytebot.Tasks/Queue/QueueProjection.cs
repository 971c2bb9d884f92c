using System.Globalization;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.ReadModels;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Bytebot.Tasks.Queue;

/// <summary>
/// Keeps the queue row in step with the task and fences the lease holder's writes, both inside the append's
/// transaction: <c>tasks_fence</c> raises <see cref="TaskStreams.LeaseLostState"/> for a write carrying a stale
/// epoch (or starting work on a stopped task), which rolls the whole append back.
/// </summary>
/// <remarks>
/// The queue holds leases, which are not events: this projection is inline only and never rebuilt.
/// </remarks>
internal sealed class QueueProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var recorded in events)
        {
            Fence(operations, recorded);
            UpdateQueue(operations, recorded.StreamId, recorded.Data);
        }
        return Task.CompletedTask;
    }

    private static void Fence(IDocumentOperations operations, IEvent recorded)
    {
        if (recorded.GetHeader(TaskStreams.EpochHeader) is not { } epoch)
            return;
        // Bookkeeping of work already under way (completions, interruptions, messages) is accepted after a
        // cancel or takeover; starting new work or changing the status is not.
        var startsWork = recorded.Data
            is TaskStarted or StepStarted or ActionStarted or TaskCompleted or TaskFailed or TaskNeedsHelp;
        var worker = Convert.ToString(recorded.GetHeader(TaskStreams.WorkerHeader), CultureInfo.InvariantCulture) ?? "";
        operations.QueueSqlCommand("select tasks_fence(?, ?, ?, ?)", recorded.StreamId,
            long.Parse(Convert.ToString(epoch, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture), worker, startsWork);
    }

    private static void UpdateQueue(IDocumentOperations operations, Guid taskId, object data)
    {
        switch (data)
        {
            case TaskCreated e:
                operations.QueueSqlCommand("""
                    insert into task_queue (task_id, state, priority_rank, created_at, scheduled_for, node, capabilities,
                        fallback_nodes, depends_on)
                    values (?, 'ready', ?, ?, ?::timestamptz, ?, ?::text[], ?::text[], ?::uuid[])
                    on conflict (task_id) do nothing
                    """, taskId, Wire.Rank(e.Priority), e.At, (object?)e.ScheduledFor ?? DBNull.Value,
                    (object?)e.Node ?? DBNull.Value, (object?)e.Capabilities?.ToArray() ?? DBNull.Value,
                    (object?)e.FallbackNodes?.ToArray() ?? DBNull.Value, (object?)e.DependsOn?.ToArray() ?? DBNull.Value);
                break;
            case TaskNodeLost e:
                operations.QueueSqlCommand("select tasks_node_lost(?, ?)", taskId, e.Epoch);
                break;
            case TaskTakenOver or TaskNeedsHelp:
                SetState(operations, taskId, QueueStates.Held);
                break;
            case TaskResumed or TaskRetried:
                SetState(operations, taskId, QueueStates.Ready);
                break;
            case TaskCompleted or TaskFailed or TaskCancelled:
                SetState(operations, taskId, QueueStates.Done);
                break;
            case TaskDeleted:
                operations.QueueSqlCommand("delete from task_queue where task_id = ?", taskId);
                break;
        }
    }

    // A stopped task's lease ends at once, so its next claim needs no waiting for expiry.
    private static void SetState(IDocumentOperations operations, Guid taskId, string state) =>
        operations.QueueSqlCommand(
            "update task_queue set state = ?, lease_expires_at = null where task_id = ?", state, taskId);
}

internal static class QueueStates
{
    public const string Ready = "ready";
    public const string Held = "held";
    public const string Done = "done";
}
