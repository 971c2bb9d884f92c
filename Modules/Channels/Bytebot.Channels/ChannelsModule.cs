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
using Wolverine;

namespace Bytebot.Channels;

public static class ChannelsModule
{
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
        return services;
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
        return endpoints;
    }
}
