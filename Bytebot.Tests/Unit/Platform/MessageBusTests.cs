using System.Diagnostics;
using Bytebot.Platform;
using Bytebot.Platform.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Unit.Platform;

public sealed class MessageBusTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invoke_returns_the_response_of_the_one_handler()
    {
        await using var provider = Provider(s => s.AddHandler<Doubler>());

        var response = await provider.GetRequiredService<IMessageBus>().InvokeAsync<int>(new Double(21), Cancel);

        response.ShouldBe(42);
    }

    [Fact]
    public async Task Invoke_without_a_handler_names_the_message_and_how_to_register_one()
    {
        await using var provider = Provider(_ => { });

        var error = await Should.ThrowAsync<InvalidOperationException>(
            () => provider.GetRequiredService<IMessageBus>().InvokeAsync<int>(new Double(1), Cancel));

        error.Message.ShouldContain("No handler for Double");
        error.Message.ShouldContain("AddHandler");
    }

    [Fact]
    public async Task Invoke_with_two_handlers_for_one_message_is_refused()
    {
        await using var provider = Provider(s => s.AddHandler<Doubler>().AddHandler<OtherDoubler>());

        var error = await Should.ThrowAsync<InvalidOperationException>(
            () => provider.GetRequiredService<IMessageBus>().InvokeAsync<int>(new Double(1), Cancel));

        error.Message.ShouldContain("exactly one");
    }

    [Fact]
    public async Task Publish_reaches_every_handler_of_the_event_and_none_is_fine()
    {
        var seen = new Seen();
        await using var provider = Provider(s => s.AddSingleton(seen).AddHandler<AuditTrail>().AddHandler<Mailer>());
        var bus = provider.GetRequiredService<IMessageBus>();

        await bus.PublishAsync(new Doubled(2), Cancel);
        await bus.PublishAsync(new Double(2), Cancel);

        seen.Handlers.Order().ShouldBe(["audit", "mail"]);
    }

    [Fact]
    public async Task Each_dispatch_records_a_span_named_after_the_message()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                    spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var provider = Provider(s => s.AddHandler<Prober>());

        await provider.GetRequiredService<IMessageBus>().InvokeAsync<string>(new Probe(), Cancel);

        lock (spans)
            spans.ShouldContain(a => a.DisplayName == nameof(Probe) && a.Status != ActivityStatusCode.Error);
    }

    private static ServiceProvider Provider(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBytebotPlatform(new ConfigurationBuilder().Build());
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private sealed record Double(int Value);

    private sealed record Doubled(int Value);

    private sealed record Probe;

    private sealed class Seen
    {
        public List<string> Handlers { get; } = [];
    }

    private sealed class Doubler : IHandler<Double, int>
    {
        public Task<int> HandleAsync(Double message, CancellationToken cancellationToken) => Task.FromResult(message.Value * 2);
    }

    private sealed class OtherDoubler : IHandler<Double, int>
    {
        public Task<int> HandleAsync(Double message, CancellationToken cancellationToken) => Task.FromResult(message.Value + message.Value);
    }

    private sealed class AuditTrail(Seen seen) : IEventHandler<Doubled>
    {
        public Task HandleAsync(Doubled message, CancellationToken cancellationToken)
        {
            seen.Handlers.Add("audit");
            return Task.CompletedTask;
        }
    }

    private sealed class Mailer(Seen seen) : IEventHandler<Doubled>
    {
        public Task HandleAsync(Doubled message, CancellationToken cancellationToken)
        {
            seen.Handlers.Add("mail");
            return Task.CompletedTask;
        }
    }

    private sealed class Prober : IHandler<Probe, string>
    {
        public Task<string> HandleAsync(Probe message, CancellationToken cancellationToken) => Task.FromResult("ok");
    }
}
