using System.Text.Json;
using System.Threading.Channels;

namespace Bytebot.Tasks.Contracts;

/// <summary>
/// Committed task events as they reach this process, for the dashboard and live streams. Delivery is best
/// effort per subscriber (a reader that falls far behind loses the oldest); the event log is the truth.
/// </summary>
public interface ITaskNotifications
{
    /// <summary>Subscribes to one task's events, or every task's when <paramref name="taskId"/> is null.</summary>
    TaskSubscription Subscribe(Guid? taskId);
}

/// <summary>
/// A task's committed events so far, for a view that folds them and then follows <see cref="ITaskNotifications"/>.
/// </summary>
public interface ITaskHistory
{
    /// <summary>
    /// The task's events from its first, in commit order; none for an unknown task. Subscribe before reading and
    /// skip live events at or below the last <see cref="TaskNotification.GlobalPosition"/> read, so none is missed.
    /// </summary>
    IAsyncEnumerable<TaskNotification> ReadAsync(Guid taskId, CancellationToken cancellationToken);
}

/// <summary>A live feed of task events; dispose to unsubscribe.</summary>
public abstract class TaskSubscription : IDisposable
{
    /// <summary>The events, in commit order.</summary>
    public abstract ChannelReader<TaskNotification> Reader { get; }

    /// <summary>Unsubscribes.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Unsubscribes.</summary>
    protected abstract void Dispose(bool disposing);
}

/// <summary>One committed task event.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="GlobalPosition">Position in the whole log (the SSE event id).</param>
/// <param name="Version">Position in the task's stream, from 1.</param>
/// <param name="Type">Stable event name, e.g. tasks.task_created.</param>
/// <param name="Data">The event as stored.</param>
/// <param name="CreatedAt">Commit time.</param>
public sealed record TaskNotification(Guid TaskId, long GlobalPosition, long Version, string Type, JsonElement Data, DateTimeOffset CreatedAt);

/// <summary>When a task ran, for modules that relate what happened meanwhile to it (e.g. files it wrote).</summary>
public interface ITaskRunWindows
{
    /// <summary>The task's run window, or null when no such task exists.</summary>
    Task<TaskRunWindow?> GetAsync(Guid taskId, CancellationToken cancellationToken);
}

/// <summary>When a task was first and last started and when it ended.</summary>
/// <param name="FirstStartedAt">Its first start, or null while it never ran.</param>
/// <param name="LastStartedAt">Its latest start (a resume after a crash or a takeover), or null.</param>
/// <param name="EndedAt">When it completed, failed or was cancelled after its latest start; null while it runs.</param>
public sealed record TaskRunWindow(
    DateTimeOffset? FirstStartedAt, DateTimeOffset? LastStartedAt, DateTimeOffset? EndedAt);
