using System.Globalization;
using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.ReadModels;
using Npgsql;

namespace Bytebot.Tasks.Queue;

/// <summary>
/// Keeps the queue row in step with the task and fences the lease holder's writes, both inside the append's
/// transaction: a write carrying a stale epoch (or starting work on a stopped task) throws
/// <see cref="LeaseLostException"/>, which rolls the whole append back.
/// </summary>
/// <remarks>
/// The queue holds leases, which are not events, so a rebuild must not touch it: events not written by the
/// current transaction are skipped, which makes rebuilding this projection a no-op.
/// </remarks>
internal sealed class QueueProjection : IInlineProjection
{
    public const string EpochKey = "lease_epoch";
    public const string WorkerKey = "worker_id";

    public string Name => "tasks.queue";

    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var db = new Writer(connection, transaction, cancellationToken);
        if (events.Count == 0 || !TaskEventTypes.TryParseStreamId(events[0].StreamId, out var taskId))
            return;
        var writtenNow = await db.ScalarAsync<bool>(
            "select xmin = pg_current_xact_id()::xid from events where event_id = $1", events[0].EventId);
        if (!writtenNow)
            return;
        foreach (var recorded in events)
        {
            await FenceAsync(db, taskId, recorded);
            await UpdateQueueAsync(db, taskId, recorded.Data);
        }
    }

    private static async Task FenceAsync(Writer db, Guid taskId, RecordedEvent recorded)
    {
        if (!recorded.Metadata.TryGetValue(EpochKey, out var epochText))
            return;
        var epoch = long.Parse(epochText, CultureInfo.InvariantCulture);
        recorded.Metadata.TryGetValue(WorkerKey, out var worker);
        await using var command = db.Create("select lease_epoch, worker_id, state from task_queue where task_id = $1 for update", [taskId]);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            throw new LeaseLostException($"Task {taskId} is not in the queue any more.");
        var (current, owner, state) = (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
        if (current != epoch || owner != worker)
            throw new LeaseLostException($"Task {taskId} lease epoch {epoch} of worker {worker} is stale; epoch {current} of {owner} holds it.");
        // Bookkeeping of work already under way (completions, interruptions, messages) is accepted after a
        // cancel or takeover; starting new work or changing the status is not.
        if (state != QueueStates.Ready && recorded.Data is TaskStarted or StepStarted or ActionStarted or TaskCompleted or TaskFailed or TaskNeedsHelp)
            throw new LeaseLostException($"Task {taskId} was stopped ({state}); its worker may not start new work.");
    }

    private static async Task UpdateQueueAsync(Writer db, Guid taskId, object data)
    {
        switch (data)
        {
            case TaskCreated e:
                await db.ExecAsync("""
                    insert into task_queue (task_id, state, priority_rank, created_at, scheduled_for)
                    values ($1, 'ready', $2, $3, $4) on conflict (task_id) do nothing
                    """, taskId, Wire.Rank(e.Priority), e.At, e.ScheduledFor);
                break;
            case TaskTakenOver or TaskNeedsHelp:
                await SetStateAsync(db, taskId, QueueStates.Held);
                break;
            case TaskResumed:
                await SetStateAsync(db, taskId, QueueStates.Ready);
                break;
            case TaskCompleted or TaskFailed or TaskCancelled:
                await SetStateAsync(db, taskId, QueueStates.Done);
                break;
            case TaskDeleted:
                await db.ExecAsync("delete from task_queue where task_id = $1", taskId);
                break;
        }
    }

    // A stopped task's lease ends at once, so its next claim needs no waiting for expiry.
    private static Task<int> SetStateAsync(Writer db, Guid taskId, string state) =>
        db.ExecAsync("update task_queue set state = $2, lease_expires_at = null where task_id = $1", taskId, state);
}

internal static class QueueStates
{
    public const string Ready = "ready";
    public const string Held = "held";
    public const string Done = "done";
}
