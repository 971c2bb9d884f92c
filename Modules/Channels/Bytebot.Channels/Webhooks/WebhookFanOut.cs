using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Channels.Contracts;
using Bytebot.Tasks.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine.Marten;

namespace Bytebot.Channels.Webhooks;

/// <summary>
/// Turns committed task events into one durable <see cref="DeliverWebhook"/> per interested subscription. Approvals
/// come from the task's own stream (tasks.approval_*), so every webhook event has one source.
/// </summary>
/// <remarks>The store and the history are resolved when it runs: hosted services are built before the database is up.</remarks>
internal sealed class WebhookFanOut(
    ITaskNotifications notifications, IServiceProvider services, WebhookOptions options,
    TimeProvider clock) : BackgroundService
{
    private static readonly Dictionary<string, (string Event, string? Status)> Mapped = new()
    {
        [TaskEventNames.TaskCreated] = (WebhookEvents.TaskCreated, "PENDING"),
        [TaskEventNames.TaskStarted] = (WebhookEvents.TaskStarted, "RUNNING"),
        [TaskEventNames.TaskNeedsHelp] = (WebhookEvents.TaskNeedsHelp, "NEEDS_HELP"),
        [TaskEventNames.TaskCompleted] = (WebhookEvents.TaskCompleted, "COMPLETED"),
        [TaskEventNames.TaskFailed] = (WebhookEvents.TaskFailed, "FAILED"),
        [TaskEventNames.TaskCancelled] = (WebhookEvents.TaskCancelled, "CANCELLED"),
        [TaskEventNames.ApprovalRequested] = (WebhookEvents.ApprovalRequested, null),
        [TaskEventNames.ApprovalDecided] = (WebhookEvents.ApprovalDecided, null),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifications.Subscribe(null);
        var store = services.GetRequiredService<IDocumentStore>();
        var history = services.GetRequiredService<ITaskHistory>();
        var reports = services.GetRequiredService<ITaskReports>();
        await SeedAsync(store, stoppingToken);
        await foreach (var notification in subscription.Reader.ReadAllAsync(stoppingToken))
        {
            if (!Mapped.TryGetValue(notification.Type, out var mapped))
                continue;
            List<WebhookSubscription> receivers;
            await using (var reading = store.QuerySession())
            {
                receivers = (await reading.Query<WebhookSubscription>().Where(s => s.DisabledAt == null)
                    .ToListAsync(stoppingToken)).Where(s => s.Wants(mapped.Event)).ToList();
            }
            if (receivers.Count == 0)
                continue;
            var payload = await PayloadAsync(
                history, reports, notification, mapped.Event, mapped.Status, stoppingToken);
            // One transaction for all of an event's deliveries, not one persisted publish per receiver.
            await using var scope = services.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            await using var session = store.LightweightSession();
            outbox.Enroll(session);
            foreach (var receiver in receivers)
            {
                await outbox.PublishAsync(new DeliverWebhook(
                    receiver.Id, $"msg_{Guid.CreateVersion7():N}", mapped.Event, payload, 1));
            }
            await session.SaveChangesAsync(stoppingToken);
        }
    }

    // Configured subscriptions are upserted under their stable ids (a 410's disabling stays); ones no longer
    // configured go, with nothing else of theirs.
    private async Task SeedAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var existing = (await session.Query<WebhookSubscription>()
            .Where(s => s.Source == WebhookSubscription.FromConfiguration).ToListAsync(cancellationToken))
            .ToDictionary(s => s.Id);
        foreach (var configured in options.Configured)
        {
            var stored = existing.GetValueOrDefault(configured.Id);
            configured.CreatedAt = stored?.CreatedAt ?? clock.GetUtcNow();
            configured.DisabledAt = stored?.DisabledAt;
            configured.DisabledReason = stored?.DisabledReason;
            session.Store(configured);
        }
        foreach (var gone in existing.Keys.Except(options.Configured.Select(c => c.Id)))
            session.Delete<WebhookSubscription>(gone);
        await session.SaveChangesAsync(cancellationToken);
    }

    private async Task<string> PayloadAsync(
        ITaskHistory history, ITaskReports reports, TaskNotification notification, string type, string? status,
        CancellationToken cancellationToken)
    {
        var data = notification.Data;
        var description = Text(data, "description");
        if (description is null)
        {
            await foreach (var first in history.ReadAsync(notification.TaskId, cancellationToken))
            {
                description = Text(first.Data, "description");
                break;
            }
        }
        var body = new JsonObject
        {
            ["taskId"] = notification.TaskId,
            ["description"] = description,
            ["status"] = status,
        };
        if (type == WebhookEvents.TaskCompleted && data.TryGetProperty("result", out var result))
            body["result"] = JsonNode.Parse(result.GetRawText());
        if (type == WebhookEvents.TaskFailed)
            body["error"] = Text(data, "error");
        if (type == WebhookEvents.TaskNeedsHelp)
            body["reason"] = Text(data, "reason");
        if (type is WebhookEvents.ApprovalRequested or WebhookEvents.ApprovalDecided)
            body["approval"] = JsonNode.Parse(data.GetRawText());
        var host = options.DashboardUrl?.AbsoluteUri.TrimEnd('/');
        if (host is not null)
            body["dashboardUrl"] = $"{host}/tasks/{notification.TaskId}";
        // A created task has run nothing yet, and creation is the busiest event: no report for it.
        if (type != WebhookEvents.TaskCreated
            && await reports.GetAsync(notification.TaskId, cancellationToken) is { } report)
        {
            body["totals"] = new JsonObject
            {
                ["steps"] = report.Steps,
                ["inputTokens"] = report.InputTokens,
                ["outputTokens"] = report.OutputTokens,
                ["cost"] = report.Cost,
            };
            if (report.LastScreenshotPath is { } path)
                body["screenshotUrl"] = host + path;
        }
        var envelope = new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = notification.CreatedAt,
            ["data"] = body,
        };
        return envelope.ToJsonString();
    }

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
