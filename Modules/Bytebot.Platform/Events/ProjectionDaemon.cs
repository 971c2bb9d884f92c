using Bytebot.Platform.Postgres;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Platform.Events;

/// <summary>
/// Runs Marten's async daemon for the projections modules register as <c>ProjectionLifecycle.Async</c>: what need
/// not be in the append's transaction (Tasks' blob references). Of the hosts on one database one runs it, the one
/// holding a session advisory lock; when it stops or dies the lock goes with its connection and another takes over.
/// </summary>
/// <remarks>
/// Built here rather than by Marten's <c>AddAsyncDaemon</c>, whose hosted service takes the store in its constructor:
/// hosted services are constructed before the database is up, and the store is built from its data source.
/// </remarks>
internal sealed partial class ProjectionDaemon(BytebotDatabase database, IServiceProvider services, ILogger<ProjectionDaemon> logger)
    : BackgroundService
{
    // pg_try_advisory_lock's key: "bytebot projection daemon", so no other lock of ours collides with it.
    private const long LockKey = 0x62797465_626f7470;

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunWhileLeaderAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDaemonFailed(logger, e);
            }
            await Task.Delay(CheckEvery, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunWhileLeaderAsync(CancellationToken stoppingToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
        await using var take = new NpgsqlCommand($"select pg_try_advisory_lock({LockKey})", connection);
        if (await take.ExecuteScalarAsync(stoppingToken) is not true)
            return;
        using var daemon = await services.GetRequiredService<IDocumentStore>().BuildProjectionDaemonAsync(logger: logger);
        await daemon.StartAllAsync();
        try
        {
            // The lock lives as long as this connection: a failed check means it may be someone else's now.
            await using var check = new NpgsqlCommand("select 1", connection);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(CheckEvery, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!stoppingToken.IsCancellationRequested)
                    await check.ExecuteScalarAsync(stoppingToken);
            }
        }
        finally
        {
            await daemon.StopAllAsync();
            // The connection goes back to the pool, which must not keep the lock for it.
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The projection daemon stopped; trying again shortly.")]
    private static partial void LogDaemonFailed(ILogger logger, Exception exception);
}
