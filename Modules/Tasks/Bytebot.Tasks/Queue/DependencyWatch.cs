using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Api;
using Bytebot.Tasks.Decisions;
using Bytebot.Tasks.ReadModels;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tasks.Queue;

/// <summary>
/// Under <c>Tasks:Dependencies:OnFailure=Fail</c>, fails each waiting task one of whose dependencies FAILED or was
/// CANCELLED. Under Hold (the default) nothing is written: the claim skips the task and its view says why it waits.
/// Every host may run it; the decision refuses a task that is no longer PENDING, so each is failed once.
/// </summary>
internal sealed partial class DependencyWatch(
    BytebotDatabase database, IServiceProvider services, TasksOptions options, TimeProvider clock,
    ILogger<DependencyWatch> logger) : PollingWatch(options.PollInterval)
{
    protected override bool Enabled => options.OnDependencyFailure == DependencyFailure.Fail;

    protected override Task LookAsync(CancellationToken cancellationToken) => FailAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogWatchFailed(logger, exception);

    private async Task FailAsync(CancellationToken cancellationToken)
    {
        var broken = new List<(Guid Task, Guid Dependency, string Status)>();
        await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new Writer(connection, null, cancellationToken).Create("""
            select q.task_id, d.id, d.status from task_queue q
            cross join lateral (select t.id, t.status from tasks t
                where t.id = any(q.depends_on) and t.status in ('FAILED', 'CANCELLED') limit 1) d
            where q.state = 'ready' and q.desktop_id is null and q.depends_on is not null
            """, []))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                broken.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)));
        }
        var store = services.GetRequiredService<IDocumentStore>();
        foreach (var (task, dependency, status) in broken)
        {
            await TaskWrites.AppendAsync(store, task,
                state => TaskDecisions.FailForDependency(state, dependency, status, clock.GetUtcNow()), cancellationToken);
            LogFailed(logger, task, dependency, status);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} failed: its dependency {Dependency} is {Status}.")]
    private static partial void LogFailed(ILogger logger, Guid taskId, Guid dependency, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dependency watch failed; it looks again at its next round.")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
