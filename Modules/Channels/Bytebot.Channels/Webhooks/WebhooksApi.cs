using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bytebot.Channels.Webhooks;

/// <summary><c>/api/webhooks</c>: subscriptions (never their secrets) and every delivery attempt.</summary>
internal static class WebhooksApi
{
    public const string CreateSchema = """
        {"type":"object","required":["url","secret"],"properties":{
        "url":{"type":"string","format":"uri","description":"Receiver; http or https"},
        "secret":{"type":"string","description":"Standard Webhooks secret: whsec_ and base64 of 24 to 64 bytes; never shown again"},
        "events":{"type":"array","items":{"type":"string","enum":["task.created","task.started","task.needs_help",
        "task.completed","task.failed","task.cancelled","approval.requested","approval.decided"]},
        "description":"Events to deliver; absent or empty: all"}}}
        """;

    public static async Task<IResult> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<WebhookSubscription>().OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(s => s.ToView()).ToList());
    }

    public static async Task<IResult> CreateAsync(
        HttpRequest request, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Invalid("body", "Must be a JSON object with url, secret and events.");
        }
        if (body.ValueKind != JsonValueKind.Object)
            return Invalid("body", "Must be a JSON object with url, secret and events.");
        var url = String(body, "url");
        if (WebhookSubscription.UrlProblem(url) is { } urlProblem)
            return Invalid("url", urlProblem);
        var secret = String(body, "secret");
        if (WebhookSubscription.SecretProblem(secret) is { } secretProblem)
            return Invalid("secret", secretProblem);
        var events = new List<string>();
        if (body.TryGetProperty("events", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                return Invalid("events", "Must be an array of event names.");
            events.AddRange(list.EnumerateArray().Select(e => e.GetString()!).Distinct());
            if (WebhookSubscription.EventsProblem(events) is { } eventsProblem)
                return Invalid("events", eventsProblem);
        }
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Url = url!, Secret = secret!, Events = events, CreatedAt = clock.GetUtcNow(),
        };
        await using var session = store.LightweightSession();
        session.Store(subscription);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/webhooks/{subscription.Id}", subscription.ToView());
    }

    public static async Task<IResult> DeleteAsync(string id, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var subscriptionId))
            return InvalidId();
        await using var session = store.LightweightSession();
        var subscription = await session.LoadAsync<WebhookSubscription>(subscriptionId, cancellationToken);
        if (subscription is null)
            return NotFound(subscriptionId);
        if (subscription.Source == WebhookSubscription.FromConfiguration)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Configured subscription",
                detail: "This subscription comes from Notifications:Webhooks; remove it there.");
        }
        session.Delete(subscription);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> DeliveriesAsync(
        string id, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var subscriptionId))
            return InvalidId();
        await using var session = store.QuerySession();
        if (await session.LoadAsync<WebhookSubscription>(subscriptionId, cancellationToken) is null)
            return NotFound(subscriptionId);
        var attempts = await session.Query<WebhookDelivery>().Where(d => d.SubscriptionId == subscriptionId)
            .OrderByDescending(d => d.At).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(attempts.Select(d => new WebhookAttemptView(
            d.Id, d.MessageId, d.Event, d.Attempt, d.At, d.StatusCode, d.Error, d.Milliseconds, d.Outcome,
            d.NextAttemptAt)).ToList());
    }

    private static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static ValidationProblem InvalidId() => Invalid("id", "Must be a subscription's id (a GUID).");

    internal static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Subscription not found",
            detail: $"No webhook subscription has id {id}.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>One delivery attempt as the API shows it.</summary>
internal sealed record WebhookAttemptView(
    Guid Id, string MessageId, string Event, int Attempt, DateTimeOffset At, int? StatusCode, string? Error,
    double Milliseconds, string Outcome, DateTimeOffset? NextAttemptAt);
