using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bytebot.Platform.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Bytebot.Platform.Events;

internal sealed class PostgresEventStore(
    BytebotDatabase database, EventTypeRegistry types, IEnumerable<IInlineProjection> projections) : IEventStore
{
    // Appends take this lock for their whole transaction, so global positions commit in increasing order and a
    // subscriber that has seen position N will never later find a smaller one committed (bigserial alone can).
    internal const long AppendLockKey = 0x6279_7465_626f_7402;

    internal const string Columns = "global_position, stream_id, version, event_id, type, data::text, metadata::text, created_at";

    private readonly IInlineProjection[] _projections = [.. projections];

    public async Task<AppendResult> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count, nameof(events));
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        var ids = events.Select(e => e.EventId).ToArray();
        if (ids.Distinct().Count() != ids.Length)
            throw new ArgumentException("Each event needs its own id.", nameof(events));
        var serialized = events.Select(e => types.Serialize(e.Data)).ToArray();

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One round trip: take the append lock, look for an earlier append of these ids, read the stream's version.
        var (earlier, current) = await PreludeAsync(connection, transaction, streamId, ids, cancellationToken);
        if (earlier is not null)
            return earlier;
        if (expectedVersion != ExpectedVersion.Any && current != expectedVersion)
            throw new ConcurrencyException(streamId, expectedVersion, current);

        var recorded = await InsertAsync(connection, transaction, streamId, current, events, serialized, cancellationToken);
        foreach (var projection in _projections)
            await projection.ApplyAsync(recorded, connection, transaction, cancellationToken);
        var last = recorded[^1];
        await transaction.CommitAsync(cancellationToken);
        return new AppendResult(last.Version, last.GlobalPosition);
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        string streamId, long fromVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"select {Columns} from events where stream_id = $1 and version >= $2 order by version");
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = (int)Math.Min(fromVersion, int.MaxValue) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return Read(reader, types);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAllAsync(connection, null, types, afterPosition, maxCount, cancellationToken);
    }

    internal static async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, EventTypeRegistry types,
        long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select {Columns} from events where global_position > $1 order by global_position limit $2", connection, transaction)
        {
            Parameters = { new() { Value = afterPosition }, new() { Value = maxCount } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken))
            events.Add(Read(reader, types));
        return events;
    }

    private static RecordedEvent Read(NpgsqlDataReader reader, EventTypeRegistry types) => new(
        GlobalPosition: reader.GetInt64(0),
        StreamId: reader.GetString(1),
        Version: reader.GetInt32(2),
        EventId: reader.GetGuid(3),
        Type: reader.GetString(4),
        Data: types.Deserialize(reader.GetString(4), reader.GetString(5)),
        Metadata: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? [],
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(7));

    /// <summary>
    /// Under the append lock: the result of an earlier append of exactly these events (null when none of them is
    /// stored), and the stream's current version.
    /// </summary>
    private static async Task<(AppendResult? Earlier, long Current)> PreludeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string streamId, Guid[] ids, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"select pg_advisory_xact_lock({AppendLockKey})"),
                new NpgsqlBatchCommand("select stream_id, version, global_position from events where event_id = any($1) order by global_position")
                {
                    Parameters = { new() { Value = ids } },
                },
                new NpgsqlBatchCommand("select coalesce(max(version), 0) from events where stream_id = $1")
                {
                    Parameters = { new() { Value = streamId } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var earlier = await ReadAppendedAsync(reader, streamId, ids, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (earlier, Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
    }

    private static async Task<AppendResult?> ReadAppendedAsync(NpgsqlDataReader reader, string streamId, Guid[] ids, CancellationToken cancellationToken)
    {
        var found = 0;
        AppendResult? last = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) != streamId)
                throw new InvalidOperationException($"Event id already appended to another stream '{reader.GetString(0)}'.");
            found++;
            last = new AppendResult(reader.GetInt32(1), reader.GetInt64(2));
        }
        if (found > 0 && found != ids.Length)
            throw new InvalidOperationException(
                $"{found} of these {ids.Length} event ids are already in stream '{streamId}'; a retry must repeat the whole append.");
        return last;
    }

    private static async Task<IReadOnlyList<RecordedEvent>> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string streamId, long currentVersion,
        IReadOnlyList<NewEvent> events, (string Type, string Json)[] serialized, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < events.Count; i++)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                insert into events (stream_id, version, event_id, type, data, metadata)
                values ($1, $2, $3, $4, $5, $6)
                returning global_position, created_at
                """)
            {
                Parameters =
                {
                    new() { Value = streamId },
                    new() { Value = checked((int)(currentVersion + i + 1)) },
                    new() { Value = events[i].EventId },
                    new() { Value = serialized[i].Type },
                    new() { Value = serialized[i].Json, NpgsqlDbType = NpgsqlDbType.Jsonb },
                    new() { Value = JsonSerializer.Serialize(events[i].Metadata ?? new Dictionary<string, string>()), NpgsqlDbType = NpgsqlDbType.Jsonb },
                },
            });
        }
        // Subscribers are woken at commit (NOTIFY is transactional) with the newest position, read from the sequence.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"select pg_notify('{EventSubscriptionRunner.Channel}', currval(pg_get_serial_sequence('events', 'global_position'))::text)"));
        var recorded = new List<RecordedEvent>(events.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < events.Count; i++)
        {
            await reader.ReadAsync(cancellationToken);
            recorded.Add(new RecordedEvent(
                reader.GetInt64(0), streamId, currentVersion + i + 1, events[i].EventId, serialized[i].Type, events[i].Data,
                events[i].Metadata ?? new Dictionary<string, string>(), reader.GetFieldValue<DateTimeOffset>(1)));
            await reader.NextResultAsync(cancellationToken);
        }
        return recorded;
    }
}
