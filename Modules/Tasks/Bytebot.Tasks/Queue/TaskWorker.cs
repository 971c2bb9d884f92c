using System.Collections.Concurrent;
using Bytebot.Desktop.Contracts;
using Bytebot.Nodes.Contracts;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tasks.Queue;

/// <summary>Wakes the worker early when a task becomes claimable in this process.</summary>
// Public because the create-task handler takes it and Wolverine's generated adapter names it from another assembly.
public sealed class TaskWakeUp : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public void Dispose() => _signal.Dispose();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Claims tasks for this desktop and runs them through the <see cref="ITaskAgent"/>. Without an agent it claims
/// nothing, so tasks wait in the queue. Recovery needs no separate sweep: a claim takes expired leases and this
/// desktop's tasks left by the previous process, and each run resumes from its stream.
/// </summary>
internal sealed partial class TaskWorker(
    IServiceProvider services, TaskQueue queue, TasksOptions options, TimeProvider clock, TaskWakeUp wakeUp,
    ITaskNotifications notifications, IDesktopControl desktop, INodeIdentity node, INodeDirectory nodes,
    IRunBudget budget, ILogger<TaskWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public string WorkerId { get; } = $"{options.DesktopId}/{Guid.CreateVersion7():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var agent = services.GetService<ITaskAgent>();
        if (agent is null)
        {
            LogNoAgent(logger);
            return;
        }
        using var feed = notifications.Subscribe(null);
        var feedWatcher = WatchFeedAsync(feed, stoppingToken);
        var runs = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            runs.RemoveAll(r => r.IsCompleted);
            Lease? lease = null;
            if (runs.Count < options.MaxConcurrentTasks)
            {
                try
                {
                    var scope = await ScopeAsync(stoppingToken);
                    lease = await queue.ClaimAsync(
                        WorkerId, options.DesktopId, clock.GetUtcNow(), options.LeaseLength, scope, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogClaimFailed(logger, e);
                }
            }
            if (lease is not null)
            {
                runs.Add(RunAsync(agent, lease, stoppingToken));
                continue;
            }
            await wakeUp.WaitAsync(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(runs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await feedWatcher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(ITaskAgent agent, Lease lease, CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (_running.TryGetValue(lease.TaskId, out var previous))
            await previous.CancelAsync();
        _running[lease.TaskId] = stop;
        var heartbeat = HeartbeatAsync(lease, stop);
        try
        {
            var run = ActivatorUtilities.CreateInstance<TaskRun>(services, lease);
            await run.RunAsync(agent, stop.Token);
        }
        catch (LeaseLostException e)
        {
            LogLeaseLost(logger, lease.TaskId, e.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogRunFailed(logger, e, lease.TaskId);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(lease.TaskId, stop));
            // With no run left the desktop is the user's again (the dashboard's live view accepts input only then).
            if (_running.IsEmpty)
                desktop.Assign(ControlOwner.User);
            if (stoppingToken.IsCancellationRequested)
                await queue.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            wakeUp.Signal();
        }
    }

    // Read at each claim, not cached: a fallback must not claim a task the moment its node is back. Over budget, this
    // desktop's started tasks are still claimed: their next step fails them with the budget's reason, instead of
    // leaving them RUNNING with no run.
    private async Task<ClaimScope> ScopeAsync(CancellationToken cancellationToken)
    {
        var presence = await nodes.ListAsync(cancellationToken);
        var draining = presence.Any(n => n.Name == options.DesktopId && n.Status == NodeStatus.Draining);
        var refused = await budget.RefusalAsync(cancellationToken) is not null;
        return new ClaimScope(
            node.Capabilities, [.. presence.Where(n => n.TakesTasks).Select(n => n.Name)], draining || refused);
    }

    private async Task HeartbeatAsync(Lease lease, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(options.HeartbeatInterval, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stop.IsCancellationRequested)
                return;
            try
            {
                if (!await queue.HeartbeatAsync(lease, options.LeaseLength, stop.Token))
                {
                    LogLeaseLost(logger, lease.TaskId, "heartbeat refused");
                    await stop.CancelAsync();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database blip: the lease may still be valid; the fence refuses writes if it is not.
                LogClaimFailed(logger, e);
            }
        }
    }

    /// <summary>
    /// Cancel, takeover, help requests and deletes stop the run of their task at once (and only that one); a task
    /// created, resumed or completed anywhere (another host on the same database too) wakes the worker.
    /// </summary>
    private async Task WatchFeedAsync(TaskSubscription subscription, CancellationToken stoppingToken)
    {
        await foreach (var notification in subscription.Reader.ReadAllAsync(stoppingToken))
        {
            // A completed task may be the last dependency another one waited for.
            if (notification.Type is TaskEventNames.TaskCreated or TaskEventNames.TaskResumed or TaskEventNames.TaskCompleted)
                wakeUp.Signal();
            if (notification.Type is "tasks.task_cancelled" or "tasks.task_taken_over" or "tasks.task_deleted" or "tasks.task_needs_help"
                && _running.TryGetValue(notification.TaskId, out var stop))
            {
                // Covers a takeover committed while the run was starting (after its own Assign(Agent)).
                if (notification.Type is "tasks.task_taken_over" or "tasks.task_needs_help")
                    desktop.Assign(ControlOwner.User);
                await stop.CancelAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No ITaskAgent is registered; tasks wait in the queue until an agent is configured.")]
    private static partial void LogNoAgent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming or heartbeating a task failed.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} run stopped: {Reason}.")]
    private static partial void LogLeaseLost(ILogger logger, Guid taskId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} run failed outside the agent.")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid taskId);
}
