using System.Globalization;
using System.Text.Json;
using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Live;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Api;

/// <summary>
/// <c>GET /api/tasks/{id}/events</c>: the task's history, then live events, as server-sent events whose id is the
/// global log position; a client that reconnects with <c>Last-Event-ID</c> gets only what it missed.
/// </summary>
internal static class TaskEventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task<IResult> StreamAsync(Guid id, HttpContext context, IEventStore store, ITaskNotifications notifications,
        TaskViews views, CancellationToken cancellationToken)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length == 0)
            lastEventId = context.Request.Query["lastEventId"].ToString();
        long after = 0;
        if (lastEventId.Length > 0 && (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
            return TaskProblems.Invalid("Last-Event-ID", "Must be the id (a global position) of an event this stream sent.");
        if (await views.GetAsync(id, withFiles: false, cancellationToken) is null && !await HasStreamAsync(store, id, cancellationToken))
            return TaskProblems.NotFound(id);

        // Subscribe before reading history, so nothing committed in between is missed; duplicates are skipped by position.
        using var live = notifications.Subscribe(id);
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var recorded in store.ReadStreamAsync(TaskEventTypes.StreamId(id), 1, cancellationToken))
            {
                if (recorded.GlobalPosition <= after)
                    continue;
                await WriteAsync(response, TaskBroadcastSubscriber.ToNotification(id, recorded), cancellationToken);
                after = recorded.GlobalPosition;
            }
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                try
                {
                    var notification = await live.Reader.ReadAsync(wait.Token);
                    if (notification.GlobalPosition <= after)
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
        return TypedResults.Empty;
    }

    private static async Task<bool> HasStreamAsync(IEventStore store, Guid id, CancellationToken cancellationToken)
    {
        await foreach (var _ in store.ReadStreamAsync(TaskEventTypes.StreamId(id), 1, cancellationToken))
            return true;
        return false;
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
