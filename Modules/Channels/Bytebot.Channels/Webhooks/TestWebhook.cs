using System.Text.Json.Nodes;
using Bytebot.Channels.Contracts;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Marten;

namespace Bytebot.Channels.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/{id}/test</c> (the dashboard's "Send test"): one <c>webhook.test</c> message to that
/// subscription, whatever events it names, on the same durable queue, signing and retries as a task's events.
/// </summary>
internal static class TestWebhook
{
    public static async Task<IResult> SendAsync(
        string id, IDocumentStore store, IServiceProvider services, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var subscriptionId))
            return WebhooksApi.InvalidId();
        await using var session = store.LightweightSession();
        var subscription = await session.LoadAsync<WebhookSubscription>(subscriptionId, cancellationToken);
        if (subscription is null)
            return WebhooksApi.NotFound(subscriptionId);
        if (subscription.DisabledAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Subscription disabled",
                detail: $"{subscription.DisabledReason} Add it again to deliver to it.");
        }
        var messageId = $"msg_{Guid.CreateVersion7():N}";
        var payload = new JsonObject
        {
            ["type"] = WebhookEvents.Test,
            ["timestamp"] = clock.GetUtcNow(),
            ["data"] = new JsonObject { ["subscriptionId"] = subscription.Id },
        }.ToJsonString();
        await using var scope = services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        outbox.Enroll(session);
        await outbox.PublishAsync(new DeliverWebhook(subscription.Id, messageId, WebhookEvents.Test, payload, 1));
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/webhooks/{subscription.Id}/deliveries", new WebhookTestSent(messageId));
    }
}

/// <summary>The queued test message; its attempts show at the subscription's deliveries under this id.</summary>
internal sealed record WebhookTestSent(string MessageId);
