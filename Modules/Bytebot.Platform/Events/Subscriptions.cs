using Bytebot.Platform.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Platform.Events;

/// <summary>
/// Receives every committed event in global order, once per subscriber name across restarts and hosts.
/// A handler that throws gets the same event again later (at-least-once), and so does an event handled just
/// before a crash that prevented its checkpoint from committing; handlers should be idempotent.
/// </summary>
public interface IEventSubscriber
{
    string Name { get; }

    Task HandleAsync(RecordedEvent recordedEvent, CancellationToken cancellationToken);
}

internal sealed class EventSubscriptionRunner(
    BytebotDatabase database,
    EventTypeRegistry types,
    IEnumerable<IEventSubscriber> subscribers,
    ILogger<EventSubscriptionRunner> logger) : BackgroundService
{
    public const string Channel = "bytebot_events";

    private const int BatchSize = 100;

    // NOTIFY is lost while the listening connection is down; the poll bounds how late that makes delivery.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    private readonly IEventSubscriber[] _subscribers = [.. subscribers];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscribers.Length == 0)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await database.DataSource.OpenConnectionAsync(stoppingToken);
                await Sql.ExecuteAsync(listener, null, $"listen {Channel}", stoppingToken);
                while (true)
                {
                    foreach (var subscriber in _subscribers)
                        await CatchUpAsync(subscriber, stoppingToken);
                    await listener.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.SubscriptionsFailed(exception);
                await Task.Delay(PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Delivers batches under a row lock on the subscriber's checkpoint, so two hosts never deliver the same
    /// event to the same subscriber; the checkpoint moves past the events handled before a failure or stop.
    /// </summary>
    private async Task CatchUpAsync(IEventSubscriber subscriber, CancellationToken stoppingToken)
    {
        while (true)
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
            await using var transaction = await connection.BeginTransactionAsync(stoppingToken);
            var checkpoint = await LockCheckpointAsync(connection, transaction, subscriber.Name, stoppingToken);
            var batch = await PostgresEventStore.ReadAllAsync(connection, transaction, types, checkpoint, BatchSize, stoppingToken);
            var handled = checkpoint;
            var interrupted = false;
            foreach (var recorded in batch)
            {
                try
                {
                    await subscriber.HandleAsync(recorded, stoppingToken);
                    handled = recorded.GlobalPosition;
                }
                catch (Exception exception)
                {
                    if (!stoppingToken.IsCancellationRequested)
                        logger.SubscriberFailed(exception, subscriber.Name, recorded.GlobalPosition);
                    interrupted = true;
                    break;
                }
            }
            if (handled != checkpoint)
            {
                await using var update = new NpgsqlCommand(
                    "update subscription_checkpoints set position = $2 where name = $1", connection, transaction)
                {
                    Parameters = { new() { Value = subscriber.Name }, new() { Value = handled } },
                };
                // Handled events must be checkpointed even when the host is stopping, or they come again.
                await update.ExecuteNonQueryAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            if (interrupted || batch.Count < BatchSize)
                return;
        }
    }

    private static async Task<long> LockCheckpointAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        // The no-op update on conflict takes the row lock, like select ... for update, and creates the row once.
        await using var command = new NpgsqlCommand("""
            insert into subscription_checkpoints (name, position) values ($1, 0)
            on conflict (name) do update set position = subscription_checkpoints.position
            returning position
            """, connection, transaction)
        {
            Parameters = { new() { Value = name } },
        };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
