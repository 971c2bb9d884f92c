using Bytebot.Platform.Events;
using Bytebot.Platform.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bytebot.Tests.Integration.Platform;

internal sealed record ThingHappened(string Name, int Amount);

/// <summary>Totals per stream in its own table, kept inline and rebuildable.</summary>
internal sealed class ThingTotals : IInlineProjection
{
    public const string Table = "test_thing_totals";

    public static readonly Migration CreateTable = new(1, "create thing totals",
        $"create table {Table} (stream_id text primary key, events int not null, amount int not null)");

    public string Name => "thing-totals";

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var recorded in events)
        {
            if (recorded.Data is not ThingHappened thing)
                continue;
            await using var command = new NpgsqlCommand($"""
                insert into {Table} (stream_id, events, amount) values ($1, 1, $2)
                on conflict (stream_id) do update set events = {Table}.events + 1, amount = {Table}.amount + $2
                """, connection, transaction)
            {
                Parameters = { new() { Value = recorded.StreamId }, new() { Value = thing.Amount } },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"truncate {Table}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Records what a subscriber received, shared by the subscriber instances of successive hosts.</summary>
internal sealed class Deliveries
{
    private readonly List<long> _positions = [];

    public void Add(long position)
    {
        lock (_positions)
            _positions.Add(position);
    }

    public long[] Positions
    {
        get
        {
            lock (_positions)
                return [.. _positions];
        }
    }
}

internal sealed class RecordingSubscriber(Deliveries deliveries) : IEventSubscriber
{
    public string Name => "recording";

    public Task HandleAsync(RecordedEvent recordedEvent, CancellationToken cancellationToken)
    {
        deliveries.Add(recordedEvent.GlobalPosition);
        return Task.CompletedTask;
    }
}

internal static class TestEventRegistration
{
    public static IServiceCollection AddTestEvents(this IServiceCollection services) =>
        services.AddEventType<ThingHappened>("test.thing_happened");
}
