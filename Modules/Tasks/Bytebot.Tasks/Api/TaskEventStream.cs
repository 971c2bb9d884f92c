using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Live;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>
/// <c>GET /api/tasks/{id}/events</c>: the task's history, then live events, as server-sent events whose id is the
/// global log position; a client that reconnects with <c>Last-Event-ID</c> gets only what it missed.
/// <c>GET /api/tasks/events</c>: every task's lifecycle events (created, status and control changes, deleted), live
/// from now, or from <c>Last-Event-ID</c> on; messages and steps stay on the per-task stream.
/// </summary>
internal static class TaskEventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private const int CatchUpBatch = 500;

    private static readonly HashSet<string> Lifecycle =
    [
        "tasks.task_created", "tasks.task_started", "tasks.task_taken_over", "tasks.task_resumed", "tasks.task_retried",
        "tasks.task_needs_help",
        "tasks.task_completed", "tasks.task_failed", "tasks.task_cancelled", "tasks.task_deleted",
    ];

    public static async Task<IResult> StreamAsync(Guid id, HttpContext context, IDocumentStore store, ITaskNotifications notifications,
        TaskViews views, CancellationToken cancellationToken)
    {
        if (LastEventId(context) is not { } after)
            return InvalidLastEventId();
        if (await views.GetAsync(id, detailed: false, cancellationToken) is null && !await HasStreamAsync(store, id, cancellationToken))
            return TaskProblems.NotFound(id);

        // Subscribe before reading history, so nothing committed in between is missed; duplicates are skipped by position.
        using var live = notifications.Subscribe(id);
        await ServeAsync(context.Response, TaskHistory.ReadAsync(store, id, cancellationToken), live, _ => true, after, cancellationToken);
        return TypedResults.Empty;
    }

    public static async Task<IResult> StreamAllAsync(HttpContext context, IDocumentStore store, ITaskNotifications notifications,
        CancellationToken cancellationToken)
    {
        if (LastEventId(context) is not { } after)
            return InvalidLastEventId();
        using var live = notifications.Subscribe(null);
        var history = after > 0 ? CatchUp(store, after, cancellationToken) : AsyncEnumerable.Empty<TaskNotification>();
        await ServeAsync(context.Response, history, live, n => Lifecycle.Contains(n.Type), after, cancellationToken);
        return TypedResults.Empty;
    }

    private static long? LastEventId(HttpContext context)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length == 0)
            lastEventId = context.Request.Query["lastEventId"].ToString();
        if (lastEventId.Length == 0)
            return 0;
        return long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after : null;
    }

    private static IResult InvalidLastEventId() =>
        TaskProblems.Invalid("Last-Event-ID", "Must be the id (a global position) of an event this stream sent.");

    private static async Task ServeAsync(HttpResponse response, IAsyncEnumerable<TaskNotification> history, TaskSubscription live,
        Func<TaskNotification, bool> wanted, long after, CancellationToken cancellationToken)
    {
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var notification in history)
            {
                if (notification.GlobalPosition <= after || !wanted(notification))
                    continue;
                await WriteAsync(response, notification, cancellationToken);
                after = notification.GlobalPosition;
            }
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                try
                {
                    var notification = await live.Reader.ReadAsync(wait.Token);
                    if (notification.GlobalPosition <= after || !wanted(notification))
                        continue;
                    await WriteAsync(response, notification, cancellationToken);
                    after = notification.GlobalPosition;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }


    private static async IAsyncEnumerable<TaskNotification> CatchUp(IDocumentStore store, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await TaskEventLog.AfterAsync(store, after, CatchUpBatch, cancellationToken);
            foreach (var recorded in batch)
            {
                after = recorded.Sequence;
                if (Lifecycle.Contains(recorded.EventTypeName))
                    yield return TaskEventLog.ToNotification(recorded);
            }
            if (batch.Count < CatchUpBatch)
                yield break;
        }
    }

    private static async Task<bool> HasStreamAsync(IDocumentStore store, Guid id, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamStateAsync(id, cancellationToken) is not null;
    }

    private static async Task WriteAsync(HttpResponse response, TaskNotification notification, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new { notification.TaskId, notification.Version, notification.Type, notification.Data, notification.CreatedAt },
            JsonSerializerOptions.Web);
        await response.WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"id: {notification.GlobalPosition}\nevent: {notification.Type}\ndata: {payload}\n\n"),
            cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
