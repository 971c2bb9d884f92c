using Bytebot.Platform.Postgres;
using Bytebot.Tasks.ReadModels;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Tasks.Live;

/// <summary>
/// Sends <c>NOTIFY</c> with the ids of the events an append wrote, inside its transaction, so every host hears
/// of them the moment they commit (notifications arrive in commit order, which sequence numbers do not).
/// </summary>
internal sealed class TaskNotifyProjection : IProjection
{
    public const string Channel = "bytebot_task_events";

    // A NOTIFY payload must stay under 8000 bytes; 100 ids take 3,700.
    private const int IdsPerNotification = 100;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var chunk in events.Chunk(IdsPerNotification))
        {
            new QueuedSql(operations).Exec("select pg_notify(?, ?)", Channel, string.Join(',', chunk.Select(e => e.Id)));
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Feeds <see cref="TaskBroadcast"/> from the notifications of every host's appends. While the listening connection
/// is down notifications are lost, so a reconnect first catches up by sequence number from the last one seen.
/// </summary>
/// <remarks>
/// The document store is resolved when the feed starts, not injected: hosted services are built before the
/// database is up, and the store is built from its data source.
/// </remarks>
internal sealed partial class TaskEventFeed(
    BytebotDatabase database, IServiceProvider services, TaskBroadcast broadcast, ILogger<TaskEventFeed> logger)
    : BackgroundService
{
    private const int CatchUpBatch = 500;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private long? _position;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFeedFailed(logger, exception);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
        var pending = new List<Guid>();
        connection.Notification += (_, e) => pending.AddRange(e.Payload.Split(',').Select(Guid.Parse));
        await using (var listen = new NpgsqlCommand($"listen {TaskNotifyProjection.Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        if (_position is { } position)
            await CatchUpAsync(store, position, stoppingToken);
        else
            _position = await TaskEventLog.LastSequenceAsync(store, stoppingToken);
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
            // WaitAsync raises every notification that has arrived before it returns.
            var ids = pending.ToArray();
            pending.Clear();
            Publish(await TaskEventLog.ByIdsAsync(store, ids, stoppingToken));
        }
    }

    private async Task CatchUpAsync(IDocumentStore store, long position, CancellationToken stoppingToken)
    {
        IReadOnlyList<IEvent> batch;
        do
        {
            batch = await TaskEventLog.AfterAsync(store, position, CatchUpBatch, stoppingToken);
            Publish(batch);
            position = _position ?? position;
        }
        while (batch.Count == CatchUpBatch);
    }

    private void Publish(IReadOnlyList<IEvent> events)
    {
        foreach (var recorded in events)
        {
            broadcast.Publish(TaskEventLog.ToNotification(recorded));
            _position = Math.Max(_position ?? 0, recorded.Sequence);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The live task event feed lost the database; reconnecting.")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception);
}
