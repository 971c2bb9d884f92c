using Bytebot.Platform.Postgres;
using Npgsql;

namespace Bytebot.Platform.Events;

/// <summary>
/// A read model kept in the append's own transaction: it is never behind the log, and a failing projection
/// fails the append.
/// </summary>
public interface IInlineProjection
{
    string Name { get; }

    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Empties the projection's tables before a rebuild.</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>Rebuilds an inline projection by resetting it and re-applying the whole log in global order.</summary>
public sealed class ProjectionRebuilder
{
    private const int PageSize = 1000;

    private readonly BytebotDatabase _database;
    private readonly EventTypeRegistry _types;
    private readonly IInlineProjection[] _projections;

    internal ProjectionRebuilder(BytebotDatabase database, EventTypeRegistry types, IEnumerable<IInlineProjection> projections)
    {
        _database = database;
        _types = types;
        _projections = [.. projections];
    }

    public async Task RebuildAsync(string name, CancellationToken cancellationToken)
    {
        var projection = _projections.SingleOrDefault(p => p.Name == name)
            ?? throw new ArgumentException($"No inline projection is named '{name}'.", nameof(name));
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Holding the append lock keeps new events out until the rebuilt tables are committed.
        await Sql.ExecuteAsync(connection, transaction, $"select pg_advisory_xact_lock({PostgresEventStore.AppendLockKey})", cancellationToken);
        await projection.ResetAsync(connection, transaction, cancellationToken);
        for (long position = 0; ;)
        {
            var page = await PostgresEventStore.ReadAllAsync(connection, transaction, _types, position, PageSize, cancellationToken);
            if (page.Count == 0)
                break;
            await projection.ApplyAsync(page, connection, transaction, cancellationToken);
            position = page[^1].GlobalPosition;
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
