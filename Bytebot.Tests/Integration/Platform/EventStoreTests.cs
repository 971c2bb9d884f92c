using Bytebot.Platform.Events;
using Bytebot.Platform.Postgres;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bytebot.Tests.Integration.Platform;

public sealed class EventStoreTests(PostgresFixture postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appended_events_read_back_with_their_type_data_and_metadata()
    {
        var host = await PlatformHost.StartAsync(await postgres.CreateDatabaseAsync(), s => s.AddTestEvents());
        var store = host.Services.GetRequiredService<IEventStore>();
        var first = new NewEvent(new ThingHappened("a", 1)) { Metadata = new Dictionary<string, string> { ["correlation_id"] = "c-1" } };

        var result = await store.AppendAsync("thing-1", ExpectedVersion.NoStream, [first, new NewEvent(new ThingHappened("b", 2))], Cancel);

        result.StreamVersion.ShouldBe(2);
        var events = await store.ReadStreamAsync("thing-1", 1, Cancel).ToListAsync(Cancel);
        events.Select(e => e.Data).ShouldBe([new ThingHappened("a", 1), new ThingHappened("b", 2)]);
        events.Select(e => e.Version).ShouldBe([1L, 2L]);
        events[0].Type.ShouldBe("test.thing_happened");
        events[0].EventId.ShouldBe(first.EventId);
        events[0].Metadata["correlation_id"].ShouldBe("c-1");
        events[1].GlobalPosition.ShouldBe(result.LastPosition);
        await PlatformHost.StopAsync(host);
    }

    [Fact]
    public async Task Concurrent_appends_at_one_version_let_exactly_one_win()
    {
        var host = await PlatformHost.StartAsync(await postgres.CreateDatabaseAsync(), s => s.AddTestEvents());
        var store = host.Services.GetRequiredService<IEventStore>();
        await store.AppendAsync("race", ExpectedVersion.NoStream, [new NewEvent(new ThingHappened("start", 0))], Cancel);

        var attempts = Enumerable.Range(1, 20).Select(async i =>
        {
            try
            {
                await store.AppendAsync("race", 1, [new NewEvent(new ThingHappened("racer", i))], Cancel);
                return "won";
            }
            catch (ConcurrencyException)
            {
                return "conflict";
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(o => o == "won").ShouldBe(1);
        outcomes.Count(o => o == "conflict").ShouldBe(19);
        (await store.ReadStreamAsync("race", 1, Cancel).CountAsync(Cancel)).ShouldBe(2);
        await PlatformHost.StopAsync(host);
    }

    [Fact]
    public async Task An_append_retried_with_the_same_event_ids_writes_nothing_new()
    {
        var host = await PlatformHost.StartAsync(await postgres.CreateDatabaseAsync(), s => s.AddTestEvents());
        var store = host.Services.GetRequiredService<IEventStore>();
        NewEvent[] events = [new(new ThingHappened("a", 1)), new(new ThingHappened("b", 2))];

        var original = await store.AppendAsync("retry", ExpectedVersion.NoStream, events, Cancel);
        var retried = await store.AppendAsync("retry", ExpectedVersion.NoStream, events, Cancel);

        retried.ShouldBe(original);
        (await store.ReadAllAsync(0, 100, Cancel)).Count.ShouldBe(2);
        await PlatformHost.StopAsync(host);
    }

    [Fact]
    public async Task Rebuilding_a_projection_from_the_log_gives_what_the_inline_projection_kept()
    {
        var host = await PlatformHost.StartAsync(await postgres.CreateDatabaseAsync(), s => s
            .AddTestEvents()
            .AddMigrations("test", ThingTotals.CreateTable)
            .AddInlineProjection<ThingTotals>());
        var store = host.Services.GetRequiredService<IEventStore>();
        for (var i = 0; i < 30; i++)
            await store.AppendAsync($"thing-{i % 4}", ExpectedVersion.Any, [new NewEvent(new ThingHappened("x", i))], Cancel);
        var dataSource = host.Services.GetRequiredService<BytebotDatabase>().DataSource;
        var inline = await TotalsAsync(dataSource);
        await using (var corrupt = dataSource.CreateCommand($"update {ThingTotals.Table} set amount = -1; delete from {ThingTotals.Table} where stream_id = 'thing-0'"))
            await corrupt.ExecuteNonQueryAsync(Cancel);

        await host.Services.GetRequiredService<ProjectionRebuilder>().RebuildAsync("thing-totals", Cancel);

        inline.Count.ShouldBe(4);
        (await TotalsAsync(dataSource)).ShouldBe(inline);
        await PlatformHost.StopAsync(host);
    }

    [Fact]
    public async Task A_subscriber_sees_every_committed_event_once_in_global_order_across_a_restart()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var deliveries = new Deliveries();
        void Subscribe(IServiceCollection services) => services.AddTestEvents().AddSingleton(deliveries).AddEventSubscriber<RecordingSubscriber>();
        var writerHost = await PlatformHost.StartAsync(connectionString, s => s.AddTestEvents());
        var store = writerHost.Services.GetRequiredService<IEventStore>();
        const int Writers = 4, EventsPerWriter = 60;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < EventsPerWriter; i++)
            {
                await store.AppendAsync($"writer-{w}-{i % 5}", ExpectedVersion.Any, [new NewEvent(new ThingHappened("w", i))], Cancel);
                await Task.Delay(Random.Shared.Next(0, 5), Cancel);
            }
        }, Cancel)).ToArray();

        var subscriberHost = await PlatformHost.StartAsync(connectionString, Subscribe);
        await WaitUntilAsync(() => deliveries.Positions.Length >= 40);
        await PlatformHost.StopAsync(subscriberHost);
        var beforeRestart = deliveries.Positions.Length;
        subscriberHost = await PlatformHost.StartAsync(connectionString, Subscribe);
        await Task.WhenAll(writers);
        await WaitUntilAsync(() => deliveries.Positions.Length >= Writers * EventsPerWriter);
        await Task.Delay(500, Cancel);
        await PlatformHost.StopAsync(subscriberHost);

        var committed = (await store.ReadAllAsync(0, 10_000, Cancel)).Select(e => e.GlobalPosition).ToArray();
        committed.Length.ShouldBe(Writers * EventsPerWriter);
        deliveries.Positions.ShouldBe(committed);
        beforeRestart.ShouldBeLessThan(committed.Length);
        await PlatformHost.StopAsync(writerHost);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not come true within 30 s.");
            await Task.Delay(20, Cancel);
        }
    }

    private static async Task<Dictionary<string, (int Events, int Amount)>> TotalsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"select stream_id, events, amount from {ThingTotals.Table}");
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var totals = new Dictionary<string, (int, int)>();
        while (await reader.ReadAsync(Cancel))
            totals[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        return totals;
    }
}
