using Bytebot.Platform.Postgres;
using Bytebot.Tasks.ReadModels;

namespace Bytebot.Tasks.Queue;

internal sealed record Lease(Guid TaskId, long Epoch, string WorkerId, string DesktopId);

/// <summary>Claims and heartbeats. Lease expiry uses the database clock; only scheduling uses the caller's.</summary>
internal sealed class TaskQueue(BytebotDatabase database)
{
    /// <summary>
    /// Claims the next task: resumes this desktop's own tasks first, then by priority and age; a task never
    /// runs before <paramref name="now"/> reaches its <c>scheduled_for</c>. A started task is pinned to its
    /// desktop; a task of this desktop leased by another worker process (the one before a restart) is taken
    /// over at once, because a desktop has a single host.
    /// </summary>
    public async Task<Lease?> ClaimAsync(string workerId, string desktopId, DateTimeOffset now, TimeSpan leaseLength, CancellationToken cancellationToken)
    {
        // One statement, so no transaction of its own. Each branch walks its own partial index (TasksSchema's claim
        // indexes); the unpinned branch runs only when this desktop has nothing to resume, as LIMIT 1 stops the
        // append after the first row and a WITH query is evaluated only as far as it is read.
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            with own as (
                select task_id from task_queue
                where state = 'ready' and desktop_id = $2
                  and (scheduled_for is null or scheduled_for <= $1)
                  and (lease_expires_at is null or lease_expires_at < clock_timestamp() or worker_id <> $3)
                order by priority_rank desc, created_at, task_id
                limit 1
                for update skip locked),
            fresh as (
                select task_id from task_queue
                where state = 'ready' and desktop_id is null
                  and (scheduled_for is null or scheduled_for <= $1)
                order by priority_rank desc, created_at, task_id
                limit 1
                for update skip locked),
            next as (select task_id from own union all select task_id from fresh limit 1)
            update task_queue q
            set lease_epoch = q.lease_epoch + 1, worker_id = $3, desktop_id = $2, lease_expires_at = clock_timestamp() + $4
            from next where q.task_id = next.task_id
            returning q.task_id, q.lease_epoch
            """, [now, desktopId, workerId, leaseLength]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Lease(reader.GetGuid(0), reader.GetInt64(1), workerId, desktopId)
            : null;
    }

    /// <summary>Extends the lease; false when it was lost (claimed again) or the task was stopped.</summary>
    public async Task<bool> HeartbeatAsync(Lease lease, TimeSpan leaseLength, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var updated = await new Writer(connection, null, cancellationToken).ExecAsync("""
            update task_queue set lease_expires_at = clock_timestamp() + $4
            where task_id = $1 and lease_epoch = $2 and worker_id = $3 and state = 'ready'
            """, lease.TaskId, lease.Epoch, lease.WorkerId, leaseLength);
        return updated == 1;
    }

    /// <summary>Ends the lease early (graceful stop), so the next host needs no waiting for expiry.</summary>
    public async Task ReleaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await new Writer(connection, null, cancellationToken).ExecAsync(
            "update task_queue set lease_expires_at = null where task_id = $1 and lease_epoch = $2 and worker_id = $3",
            lease.TaskId, lease.Epoch, lease.WorkerId);
    }
}
