using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Bytebot.Platform.Postgres;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Tasks.Live;

/// <summary>
/// The events each session committed, for <see cref="TaskEventFeed"/> to announce to every host and to publish here
/// without reading them back.
/// </summary>
/// <remarks>
/// Announced after the commit, not by a <c>NOTIFY</c> inside the append: a notifying transaction holds Postgres'
/// one notification-queue lock through its commit, which put every append of every writer in single file.
/// </remarks>
internal sealed class CommittedEvents : DocumentSessionListenerBase
{
    // Held until this host's own announcement comes back; beyond this many (announcements lost while the listening
    // connection was down) the oldest go, and the feed reads those from the log like any other host's.
    private const int Kept = 4096;

    private readonly Channel<long[]> _committed = System.Threading.Channels.Channel.CreateUnbounded<long[]>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<long, IEvent> _events = new();
    private readonly ConcurrentQueue<long> _order = new();

    public ChannelReader<long[]> Reader => _committed.Reader;

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        // Quick appends number the events in the database; Marten has set the numbers by the time of the commit.
        // It has not set their timestamps (the database's clock wrote those), so they carry this host's commit time,
        // to the microsecond like the database's.
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));
        var events = commit.GetEvents().ToList();
        foreach (var recorded in events)
        {
            if (recorded.Timestamp == default)
                recorded.Timestamp = now;
            _events[recorded.Sequence] = recorded;
            _order.Enqueue(recorded.Sequence);
        }
        while (_order.Count > Kept && _order.TryDequeue(out var oldest))
            _events.TryRemove(oldest, out _);
        if (events.Count > 0)
            _committed.Writer.TryWrite([.. events.Select(e => e.Sequence)]);
        return Task.CompletedTask;
    }

    /// <summary>The event this host committed with <paramref name="sequence"/>, handed out once.</summary>
    public IEvent? Take(long sequence) => _events.TryRemove(sequence, out var recorded) ? recorded : null;
}

/// <summary>
/// Announces this host's committed events to every host (<c>NOTIFY</c> with their sequence numbers, many commits in one), and feeds
/// <see cref="TaskBroadcast"/> from the announcements of every host. While the listening connection is down
/// notifications are lost, so a reconnect first catches up by sequence number from the last one seen.
/// </summary>
/// <remarks>
/// The document store is resolved when the feed starts, not injected: hosted services are built before the
/// database is up, and the store is built from its data source.
/// </remarks>
internal sealed partial class TaskEventFeed(
    BytebotDatabase database, IServiceProvider services, TaskBroadcast broadcast, CommittedEvents committed,
    ILogger<TaskEventFeed> logger) : BackgroundService
{
    public const string Channel = "bytebot_task_events";

    private const int CatchUpBatch = 500;

    // A NOTIFY payload must stay under 8000 bytes; 300 sequence numbers of 19 digits take 6,000.
    private const int PerNotification = 300;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private long? _position;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ReceiveAsync(stoppingToken), AnnounceAsync(stoppingToken));

    private async Task AnnounceAsync(CancellationToken stoppingToken)
    {
        var sequences = new List<long>();
        try
        {
            while (await committed.Reader.WaitToReadAsync(stoppingToken))
            {
                while (committed.Reader.TryRead(out var batch))
                    sequences.AddRange(batch);
                try
                {
                    await NotifyAsync(sequences, stoppingToken);
                    sequences.Clear();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Kept for the next try; the appends themselves are committed whatever happens here.
                    LogAnnounceFailed(logger, exception);
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task NotifyAsync(List<long> sequences, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var chunk in sequences.Chunk(PerNotification))
        {
            var payload = string.Join(',', chunk.Select(n => n.ToString(CultureInfo.InvariantCulture)));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_notify($1, $2)")
            {
                Parameters = { new NpgsqlParameter { Value = Channel }, new NpgsqlParameter { Value = payload } },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ReceiveAsync(CancellationToken stoppingToken)
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
        var pending = new List<long>();
        connection.Notification += (_, e) =>
            pending.AddRange(e.Payload.Split(',').Select(n => long.Parse(n, CultureInfo.InvariantCulture)));
        await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        if (_position is { } position)
            await CatchUpAsync(store, position, stoppingToken);
        else
            _position = await TaskEventLog.LastSequenceAsync(store, stoppingToken);
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
            // WaitAsync raises every notification that has arrived before it returns.
            var sequences = pending.ToArray();
            pending.Clear();
            Publish(await ReadAsync(store, sequences, stoppingToken));
        }
    }

    // This host's own events come from memory; only other hosts' are read from the log.
    private async Task<IReadOnlyList<IEvent>> ReadAsync(
        IDocumentStore store, long[] sequences, CancellationToken cancellationToken)
    {
        var events = new List<IEvent>(sequences.Length);
        var missing = new List<long>();
        foreach (var sequence in sequences)
        {
            if (committed.Take(sequence) is { } own)
                events.Add(own);
            else
                missing.Add(sequence);
        }
        if (missing.Count > 0)
            events.AddRange(await TaskEventLog.BySequencesAsync(store, [.. missing], cancellationToken));
        events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return events;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing committed task events failed; retrying.")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The live task event feed lost the database; reconnecting.")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception);
}
