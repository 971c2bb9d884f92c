using Bytebot.Agent.Contracts;
using Bytebot.Channels.Telegram;
using Bytebot.Channels.Webhooks;
using Bytebot.Platform.Http;
using Bytebot.Platform.Messaging;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Wolverine;

namespace Bytebot.Channels;

public static class ChannelsModule
{
    private const string TelegramClientName = "telegram";

    public static IServiceCollection AddChannelsModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // Read here, not when first resolved: a bad subscription stops the start with the setting's name.
        services.AddSingleton(WebhookOptions.FromConfiguration(configuration));
        services.ConfigureMarten(options =>
        {
            options.Schema.For<WebhookSubscription>();
            options.Schema.For<WebhookDelivery>().Index(d => d.SubscriptionId);
        });
        // The attempt's own timeout (Notifications:Timeout) bounds it; the client's would only race it.
        services.AddHttpClient(WebhookPoster.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new WebhookPoster(
            sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<WebhookOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookPoster>>()));
        services.AddHostedService<WebhookFanOut>();
        // Every attempt's envelope is stored before it runs; a retry is a scheduled envelope in the same table. Attempts
        // mostly wait on the receiver, so more run at once than there are cores.
        services.ConfigureWolverine(options => options.LocalQueueFor<DeliverWebhook>().UseDurableInbox()
            .MaximumParallelMessages(16));
        services.AddMessageHandlers(typeof(ChannelsModule).Assembly);
        AddTelegram(services, TelegramOptions.FromConfiguration(configuration));
        return services;
    }

    private static void AddTelegram(IServiceCollection services, TelegramOptions options)
    {
        services.AddSingleton(options);
        services.ConfigureMarten(marten => marten.Schema.For<TelegramTask>().Index(t => t.ChatId));
        if (!options.Enabled)
            return;
        services.AddHttpClient(TelegramClientName);
        services.AddSingleton<ITelegramBotClient>(sp => new TelegramBotClient(
            new TelegramBotClientOptions(options.BotToken!, options.ApiBaseUrl),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(TelegramClientName)));
        services.AddSingleton<TelegramChat>();
        services.AddSingleton<IApproverPresence, TelegramPresence>();
        services.AddHostedService<TelegramReplies>();
        if (!options.WebhookMode)
            services.AddHostedService<TelegramPolling>();
    }

    public static IEndpointRouteBuilder MapChannelsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var webhooks = endpoints.MapGroup("/api/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", WebhooksApi.ListAsync)
            .WithName("ListWebhooks").WithSummary("Webhook subscriptions, configured and added; never their secrets.")
            .Produces<IReadOnlyList<WebhookView>>();
        webhooks.MapPost("/", WebhooksApi.CreateAsync)
            .WithName("CreateWebhook")
            .WithSummary("Adds a subscription: deliveries are signed with its secret (Standard Webhooks).")
            .DescribesBody(("application/json", WebhooksApi.CreateSchema))
            .Produces<WebhookView>(StatusCodes.Status201Created).ProducesValidationProblem();
        webhooks.MapDelete("/{id}", WebhooksApi.DeleteAsync)
            .WithName("DeleteWebhook").WithSummary("Removes an added subscription (a configured one: 409).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        webhooks.MapGet("/{id}/deliveries", WebhooksApi.DeliveriesAsync)
            .WithName("ListWebhookDeliveries")
            .WithSummary("Every delivery attempt of the subscription, newest first (at most 200).")
            .Produces<IReadOnlyList<WebhookAttemptView>>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/{id}/test", TestWebhook.SendAsync)
            .WithName("TestWebhook")
            .WithSummary("Queues a signed webhook.test message to the subscription; its attempts show in its deliveries.")
            .Produces<WebhookTestSent>(StatusCodes.Status202Accepted).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        // Anonymous to the host's auth: Telegram cannot send a bearer token; the secret token header is its proof.
        endpoints.MapPost("/api/channels/telegram", TelegramWebhook.ReceiveAsync).AllowAnonymous()
            .WithTags("Channels").WithName("ReceiveTelegramUpdate")
            .WithSummary("Telegram's webhook (Telegram:Mode=Webhook): an Update, with X-Telegram-Bot-Api-Secret-Token.")
            .DescribesBody(("application/json", """{"type":"object","description":"A Telegram Bot API Update"}"""))
            .Produces(StatusCodes.Status200OK).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .DisableAntiforgery();
        return endpoints;
    }
}
