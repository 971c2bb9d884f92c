using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using Wolverine;
using Wolverine.Marten;

namespace Bytebot.Channels.Webhooks;

/// <summary>
/// One attempt at one message for one subscription, on a durable local queue: the envelope is in PostgreSQL before
/// the attempt, and a retry is scheduled in the same transaction that records the attempt, so a crash at any point
/// leaves either the attempt to redo or the retry to run.
/// </summary>
/// <param name="SubscriptionId">The receiver.</param>
/// <param name="MessageId">The <c>webhook-id</c>, the same for every attempt.</param>
/// <param name="Event">A <see cref="Contracts.WebhookEvents"/> type.</param>
/// <param name="Payload">The JSON body, fixed at the event, so every attempt signs the same bytes.</param>
/// <param name="Attempt">From 1.</param>
public sealed record DeliverWebhook(Guid SubscriptionId, string MessageId, string Event, string Payload, int Attempt);

public static class DeliverWebhookHandler
{
    public static Task HandleAsync(DeliverWebhook message, WebhookPoster poster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poster);
        return poster.DeliverAsync(message, cancellationToken);
    }
}

/// <summary>Signs and posts one attempt, records it and decides what follows (public: the handler takes it).</summary>
public sealed partial class WebhookPoster
{
    public const string ClientName = "webhooks";

    private readonly IDocumentStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly IHttpClientFactory _clients;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookPoster> _logger;

    internal WebhookPoster(
        IDocumentStore store, IServiceScopeFactory scopes, IHttpClientFactory clients, WebhookOptions options,
        TimeProvider clock, ILogger<WebhookPoster> logger)
    {
        _store = store;
        _scopes = scopes;
        _clients = clients;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    internal async Task DeliverAsync(DeliverWebhook message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var scope = _scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = _store.LightweightSession();
        var subscription = await session.LoadAsync<WebhookSubscription>(message.SubscriptionId, cancellationToken);
        if (subscription is null || subscription.DisabledAt is not null)
            return;
        var started = Stopwatch.GetTimestamp();
        var (status, error) = await PostAsync(message, subscription, cancellationToken);
        var at = _clock.GetUtcNow();
        var attempt = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(), SubscriptionId = subscription.Id, MessageId = message.MessageId,
            Event = message.Event, Attempt = message.Attempt, At = at, StatusCode = status, Error = error,
            Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
        outbox.Enroll(session);
        if (status is >= 200 and < 300)
            attempt.Outcome = "delivered";
        else if (status == (int)HttpStatusCode.Gone)
        {
            attempt.Outcome = "disabled";
            subscription.DisabledAt = at;
            subscription.DisabledReason = "The receiver answered 410 Gone.";
            session.Store(subscription);
            LogDisabled(_logger, subscription.Id);
        }
        else if (_options.DelayAfter(message.Attempt, Random.Shared.NextDouble()) is { } delay)
        {
            attempt.Outcome = "retrying";
            attempt.NextAttemptAt = at + delay;
            await outbox.ScheduleAsync(message with { Attempt = message.Attempt + 1 }, delay);
        }
        else
        {
            attempt.Outcome = "failed";
            LogGaveUp(_logger, subscription.Id, message.MessageId, message.Attempt);
        }
        session.Store(attempt);
        await session.SaveChangesAsync(cancellationToken);
    }

    private async Task<(int? Status, string? Error)> PostAsync(
        DeliverWebhook message, WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var timestamp = _clock.GetUtcNow();
        var signature = new StandardWebhook(subscription.Secret).Sign(message.MessageId, timestamp, message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", message.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.Timeout);
        try
        {
            using var client = _clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {_options.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException e)
        {
            return (null, $"No answer: {e.HttpRequestError}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} answered 410; disabled")]
    private static partial void LogDisabled(ILogger logger, Guid subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook {MessageId} to subscription {SubscriptionId} failed {Attempts} times; given up")]
    private static partial void LogGaveUp(ILogger logger, Guid subscriptionId, string messageId, int attempts);
}
