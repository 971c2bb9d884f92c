using Bytebot.Platform.Postgres;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Agent.Policy;

/// <summary>
/// Hosts sharing the database tell each other of every approval change (<c>NOTIFY</c> with the approval's id): a
/// gate waiting on one host wakes when the decision is made on another, and every host's live subscribers see it.
/// The receiver reads the document, which is the decision; a lost notification only delays a gate to its expiry.
/// </summary>
/// <remarks>The store is resolved when listening starts: hosted services are built before the database is up.</remarks>
internal sealed partial class ApprovalNotices(
    BytebotDatabase database, IServiceProvider services, ApprovalBroadcast broadcast, ILogger<ApprovalNotices> logger)
    : BackgroundService
{
    public const string Channel = "bytebot_approvals";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _self = Guid.NewGuid().ToString("N");

    public async Task AnnounceAsync(Guid approvalId, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var notify = new NpgsqlCommand("select pg_notify($1, $2)", connection)
            {
                Parameters = { new() { Value = Channel }, new() { Value = $"{_self}:{approvalId:D}" } },
            };
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The change is committed; other hosts' gates still meet it when they re-read or expire.
            LogAnnounceFailed(logger, approvalId, e);
        }
    }

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
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                LogListenFailed(logger, e);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
        var received = new List<Guid>();
        connection.Notification += (_, e) =>
        {
            if (e.Payload.Split(':') is [var sender, var id] && sender != _self
                && Guid.TryParse(id, out var approvalId))
                received.Add(approvalId);
        };
        await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
            Guid[] ids = [.. received.Distinct()];
            received.Clear();
            await using var session = store.QuerySession();
            foreach (var approval in await session.LoadManyAsync<Approval>(stoppingToken, ids))
            {
                broadcast.Signal(approval.Id);
                broadcast.Publish(approval.ToNotice());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing approval {ApprovalId} to other hosts failed")]
    private static partial void LogAnnounceFailed(ILogger logger, Guid approvalId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other hosts' approvals failed; retrying")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
