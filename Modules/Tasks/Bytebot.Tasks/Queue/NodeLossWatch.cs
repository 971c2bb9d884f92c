using Bytebot.Nodes.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tasks.Queue;

internal sealed class RunningTasks(TaskQueue queue) : IRunningTasks
{
    public Task<IReadOnlyDictionary<string, int>> CountByNodeAsync(CancellationToken cancellationToken) =>
        queue.CountByNodeAsync(cancellationToken);
}

/// <summary>
/// Records <see cref="TaskNodeLost"/> on each started task whose node went offline, so the user sees it and can decide
/// (it resumes when the node returns). Every host watches; the queue's <c>tasks_node_lost</c> lets one of them record
/// each loss. The task itself is never moved: its desktop holds its state.
/// </summary>
internal sealed partial class NodeLossWatch(
    TaskQueue queue, INodeDirectory nodes, IServiceProvider services, TasksOptions options, TimeProvider clock,
    ILogger<NodeLossWatch> logger) : PollingWatch(options.PollInterval)
{
    private const string AlreadyMarked = "BB002";

    protected override Task LookAsync(CancellationToken cancellationToken) => MarkAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogWatchFailed(logger, exception);

    // The store is resolved when the watch runs: it is built from the data source, which exists once the database has
    // started, after the hosted services were constructed.
    private async Task MarkAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var presence = await nodes.ListAsync(cancellationToken);
        string[] offline = [.. presence.Where(n => n.Status == NodeStatus.Offline).Select(n => n.Name)];
        if (offline.Length == 0)
            return;
        foreach (var lost in await queue.LostAsync(offline, cancellationToken))
        {
            try
            {
                await TaskStreams.AppendAsync(store, lost.TaskId, null, null,
                    [new TaskNodeLost(lost.Node, lost.Epoch, clock.GetUtcNow())], cancellationToken);
                LogNodeLost(logger, lost.TaskId, lost.Node);
            }
            catch (Exception e) when (IsAlreadyMarked(e))
            {
                // Another host recorded this loss first, or the task moved on (finished, claimed again).
            }
        }
    }

    private static bool IsAlreadyMarked(Exception exception) => PostgresErrors.Find(exception, AlreadyMarked) is not null;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskId}: its node {Node} went offline; the task waits for it.")]
    private static partial void LogNodeLost(ILogger logger, Guid taskId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for tasks on offline nodes failed.")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
