using Bytebot.Platform.Postgres;
using Bytebot.Tasks.ReadModels;

namespace Bytebot.Tasks.Queue;

internal sealed record Lease(Guid TaskId, long Epoch, string WorkerId, string DesktopId);

/// <summary>
/// What this node may claim besides its own started tasks: routed tasks it is eligible for, given its capabilities
/// and the nodes taking tasks now (a fallback stands in only while the named node is not among them); nothing new
/// while it drains or the run budget refuses new runs (<see cref="NoNewRuns"/>).
/// </summary>
internal sealed record ClaimScope(
    IReadOnlyList<string> Capabilities, IReadOnlyList<string> AvailableNodes, bool NoNewRuns)
{
    /// <summary>Unrouted tasks only (and this desktop's own): the queue as it was before nodes.</summary>
    public static readonly ClaimScope Unrouted = new([], [], false);
}

internal sealed record LostCandidate(Guid TaskId, string Node, long Epoch);

/// <summary>Claims and heartbeats. Lease expiry uses the database clock; only scheduling uses the caller's.</summary>
internal sealed class TaskQueue(BytebotDatabase database)
{
    /// <summary>
    /// Claims the next task: resumes this desktop's own tasks first, then by priority and age; a task never
    /// runs before <paramref name="now"/> reaches its <c>scheduled_for</c>. A started task is pinned to its
    /// desktop; a task waiting for others runs once they are all COMPLETED. A task of this desktop leased by another
    /// worker process (the one before a restart) is taken over at once, because a desktop has a single host.
    /// </summary>
    public Task<Lease?> ClaimAsync(string workerId, string desktopId, DateTimeOffset now, TimeSpan leaseLength, CancellationToken cancellationToken) =>
        ClaimAsync(workerId, desktopId, now, leaseLength, ClaimScope.Unrouted, cancellationToken);

    /// <inheritdoc cref="ClaimAsync(string, string, DateTimeOffset, TimeSpan, CancellationToken)"/>
    public async Task<Lease?> ClaimAsync(string workerId, string desktopId, DateTimeOffset now, TimeSpan leaseLength,
        ClaimScope scope, CancellationToken cancellationToken)
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
                  and not $5
                  and (node is null or node = $2 or ($2 = any(fallback_nodes) and not node = any($6)))
                  and (capabilities is null or capabilities <@ $7)
                  and (depends_on is null or (select count(*) from tasks t
                       where t.id = any(task_queue.depends_on) and t.status = 'COMPLETED') = cardinality(depends_on))
                order by priority_rank desc, created_at, task_id
                limit 1
                for update skip locked),
            next as (select task_id from own union all select task_id from fresh limit 1)
            update task_queue q
            set lease_epoch = q.lease_epoch + 1, worker_id = $3, desktop_id = $2, lease_expires_at = clock_timestamp() + $4
            from next where q.task_id = next.task_id
            returning q.task_id, q.lease_epoch
            """, [now, desktopId, workerId, leaseLength, scope.NoNewRuns, scope.AvailableNodes.ToArray(),
                scope.Capabilities.ToArray()]);
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

    /// <summary>Claimed tasks, neither finished nor held, per node they are pinned to.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByNodeAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "select desktop_id, count(*)::int from task_queue where state = 'ready' and desktop_id is not null group by 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    /// <summary>Started tasks pinned to one of <paramref name="offlineNodes"/> whose loss is not recorded yet.</summary>
    public async Task<IReadOnlyList<LostCandidate>> LostAsync(
        IReadOnlyList<string> offlineNodes, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            select task_id, desktop_id, lease_epoch from task_queue
            where state = 'ready' and desktop_id = any($1) and node_lost_epoch is distinct from lease_epoch
            """, [offlineNodes.ToArray()]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lost = new List<LostCandidate>();
        while (await reader.ReadAsync(cancellationToken))
            lost.Add(new LostCandidate(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)));
        return lost;
    }
}
