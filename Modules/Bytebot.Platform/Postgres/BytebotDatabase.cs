using Npgsql;

namespace Bytebot.Platform.Postgres;

/// <summary>
/// The database the product uses: the managed private cluster when no connection string is configured,
/// else the configured server. <see cref="DataSource"/> is available once the host has started.
/// </summary>
public sealed class BytebotDatabase
{
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("The database is not started yet.");

    public bool IsManaged { get; internal set; }

    /// <summary>The connection string with its password, for the PostgreSQL tools (pg_dump) the backup runs.</summary>
    internal string? ConnectionString { get; private set; }

    internal void Attach(NpgsqlDataSource dataSource, string connectionString)
    {
        _dataSource = dataSource;
        ConnectionString = connectionString;
    }

    internal NpgsqlDataSource? Detach()
    {
        var dataSource = _dataSource;
        _dataSource = null;
        ConnectionString = null;
        return dataSource;
    }
}
