using Bytebot.Platform.Postgres;
using Npgsql;

[assembly: AssemblyFixture(typeof(Bytebot.Tests.Infrastructure.PostgresFixture))]

namespace Bytebot.Tests.Infrastructure;

/// <summary>One managed cluster for the whole run, started by the host's own bootstrap; a database per test.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "bytebot-tests-" + Guid.NewGuid().ToString("N"));
    private ManagedPostgres? _postgres;

    public ManagedPostgres Postgres => _postgres ?? throw new InvalidOperationException("The cluster is not started.");

    public async ValueTask InitializeAsync() =>
        _postgres = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory));

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database {name}", connection);
        await command.ExecuteNonQueryAsync();
        return Postgres.ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
    }
}
