using System.Globalization;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Queue;
using JasperFx.Events;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.Marten;

namespace Bytebot.Tasks.Events;

/// <summary>The one way Tasks writes and reads its streams (one Marten stream per task, its id the task's).</summary>
internal static class TaskStreams
{
    public const string EpochHeader = "lease_epoch";
    public const string WorkerHeader = "worker_id";

    /// <summary>Raised by <c>tasks_fence</c> (TasksSchema) inside the append transaction.</summary>
    public const string LeaseLostState = "BB001";

    /// <summary>
    /// Appends <paramref name="events"/> and returns the stream's new version. With <paramref name="expectedVersion"/>
    /// (the version the caller decided against; 0 starts the stream) a race throws
    /// <see cref="JasperFx.ConcurrencyException"/>; with a <paramref name="lease"/> the queue projection fences the write, and a refusal throws
    /// <see cref="LeaseLostException"/> with nothing appended.
    /// </summary>
    public static async Task<long> AppendAsync(
        IDocumentStore store, Guid taskId, long? expectedVersion, Lease? lease, IReadOnlyList<object> events,
        CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (lease is not null)
        {
            session.SetHeader(EpochHeader, lease.Epoch.ToString(CultureInfo.InvariantCulture));
            session.SetHeader(WorkerHeader, lease.WorkerId);
        }
        var action = expectedVersion switch
        {
            0 => session.Events.StartStream(taskId, events),
            { } version => session.Events.Append(taskId, version + events.Count, [.. events]),
            null => session.Events.Append(taskId, events),
        };
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            throw new LeaseLostException(refusal.MessageText, e);
        }
        return action.Version;
    }

    /// <summary>
    /// Starts a task's stream with <paramref name="events"/> (a <see cref="TaskCreated"/> first). A SCHEDULED task's
    /// <see cref="TaskDue"/> is scheduled for its time in the same transaction, through Wolverine's outbox: the
    /// worker wakes at that time, also after a crash, instead of polling for it.
    /// </summary>
    /// <param name="store">The event store.</param>
    /// <param name="outbox">Enrolled in the stream's session.</param>
    /// <param name="events">The decided events.</param>
    /// <param name="alongside">More writes for the same transaction, given the task's id (a schedule's occurrence), or null.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task StartAsync(
        IDocumentStore store, IMartenOutbox outbox, IReadOnlyList<object> events,
        Func<IDocumentSession, IMartenOutbox, Guid, ValueTask>? alongside, CancellationToken cancellationToken)
    {
        var created = (TaskCreated)events[0];
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        session.Events.StartStream(created.TaskId, events);
        if (created.ScheduledFor is { } at)
            await outbox.ScheduleAsync(new TaskDue(created.TaskId), at);
        if (alongside is not null)
            await alongside(session, outbox, created.TaskId);
        await session.SaveChangesAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<IEvent>> ReadAsync(
        IDocumentStore store, Guid taskId, long fromVersion, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamAsync(taskId, fromVersion: fromVersion, token: cancellationToken);
    }

    private static PostgresException? Refusal(Exception exception) => PostgresErrors.Find(exception, LeaseLostState);
}
