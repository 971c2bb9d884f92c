using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Platform.Postgres;

/// <summary>
/// Brings the database up in <see cref="StartingAsync"/>, before any hosted service's StartAsync, so every
/// module can use it (migrated) from its own start; takes it down after everything else has stopped.
/// </summary>
internal sealed class DatabaseLifecycle(
    BytebotDatabase database,
    DataDirectory dataDirectory,
    IConfiguration configuration,
    MigrationRunner migrations,
    ILogger<DatabaseLifecycle> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private ManagedPostgres? _managed;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString("Bytebot");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var port = configuration["Database:Port"];
            _managed = await ManagedPostgres.StartAsync(
                new ManagedPostgresOptions(dataDirectory.Path)
                {
                    Port = port is null ? null : int.Parse(port, CultureInfo.InvariantCulture),
                },
                logger, cancellationToken);
            connectionString = _managed.ConnectionString();
        }
        database.IsManaged = _managed is not null;
        database.Attach(NpgsqlDataSource.Create(WithPreparedStatements(connectionString)), connectionString);
        await migrations.ApplyAsync(database.DataSource, cancellationToken);
    }

    /// <summary>
    /// Prepares the statements a connection runs again and again (appends, claims, the feed's reads) unless the
    /// connection string says otherwise. Without prepared statements, returning a connection to the pool discards
    /// every plan the session cached, the plans inside Marten's append function included, so each append planned
    /// its statements anew (ADR 0036).
    /// </summary>
    internal static string WithPreparedStatements(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
            return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    public async Task StoppedAsync(CancellationToken cancellationToken) => await ShutDownAsync(cancellationToken);

    // Also reached when start fails part-way, so a started cluster never outlives the host.
    public async ValueTask DisposeAsync() => await ShutDownAsync(CancellationToken.None);

    private async Task ShutDownAsync(CancellationToken cancellationToken)
    {
        if (database.Detach() is { } dataSource)
            await dataSource.DisposeAsync();
        if (_managed is { } managed)
        {
            _managed = null;
            await managed.StopAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
