using System.Text.Json;
using ControlOwner = Bytebot.Desktop.Contracts.ControlOwner;
using IDesktopControl = Bytebot.Desktop.Contracts.IDesktopControl;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Blobs;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Marten;

namespace Bytebot.Tasks.Queue;

/// <summary>
/// One claimed run of a task: every write carries the lease epoch, so the queue projection refuses it once
/// another claim (or a cancel or takeover) has replaced this run.
/// </summary>
internal sealed class TaskRun(
    Lease lease, IDocumentStore store, IBlobStore blobs, IEnumerable<ITaskPreparation> preparations, TimeProvider clock, IDesktopControl desktop)
    : ITaskRunView, ITaskRecorder
{
    private TaskState _state = new();
    private Guid _stepId;

    // Events that need not commit on their own go with the next append: a step's end with the next one's start, an
    // action's end with the tool results, usage with the answer. 7 appends a step became 4 (bench/ agent mode).
    private readonly List<object> _deferred = [];

    public Guid TaskId => lease.TaskId;

    public string Description => _state.Created!.Description;

    public TaskModel Model => _state.Created!.Model;

    public int StepNumber { get; private set; }

    public IReadOnlyList<TaskMessage> Messages => _state.Messages;

    public IReadOnlyList<InterruptedAction> InterruptedActions { get; private set; } = [];

    public bool Resumed { get; private set; }

    public bool ResumedByUser { get; private set; }

    public DateTimeOffset StartedAt => _state.FirstStartedAt ?? clock.GetUtcNow();

    public IReadOnlyList<TaskSummary> Summaries => _state.Summaries;

    public TaskUsageTotals Usage => _state.Usage;

    public IReadOnlyDictionary<string, ToolActionRecord> ToolActions => _state.ToolActions;

    public async Task RunAsync(ITaskAgent agent, CancellationToken cancellationToken)
    {
        _state = await TaskState.LoadAsync(store, lease.TaskId, cancellationToken);
        if (!_state.Exists || _state.IsFinished || _state.Control != TaskRole.Assistant)
            return;
        Resumed = _state.EverStarted;
        ResumedByUser = _state.ResumedByUser;
        var inputs = _state.Created!.Files.Select(f => new TaskInputFile(f.Name, f.Sha256, f.MediaType, f.Size)).ToList();
        foreach (var preparation in preparations)
            await preparation.PrepareAsync(new TaskPreparationContext(TaskId, lease.DesktopId, Resumed, inputs), cancellationToken);
        var now = clock.GetUtcNow();
        List<object> start = [new TaskStarted(lease.WorkerId, lease.DesktopId, lease.Epoch, Resumed, now)];
        if (_state.OpenStep is { } openStep)
        {
            // Never replay: an action whose start was recorded may or may not have happened.
            InterruptedActions = [.. _state.OpenActions.Select(a => new InterruptedAction(a.ActionId, a.Name, a.Input))];
            start.Add(new StepInterrupted(openStep, InterruptedActions.Count > 0 ? InterruptedActions[0].ActionId : null, "recovered", now));
        }
        await AppendAsync([.. start], cancellationToken);
        // The start passed the fence, so no takeover was committed before it; one committed later hands control back.
        desktop.Assign(ControlOwner.Agent);
        var run = agent.Start(this, this);

        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await FlushAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }
            _stepId = Guid.CreateVersion7();
            StepNumber = _state.Steps + 1;
            await AppendAsync([new StepStarted(_stepId, StepNumber, clock.GetUtcNow())], cancellationToken);
            StepOutcome outcome;
            try
            {
                outcome = await run.RunStepAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await RecordStopAsync("stopped");
                throw;
            }
            catch (LeaseLostException)
            {
                throw;
            }
            catch (Exception e)
            {
                outcome = StepOutcome.Fail($"The agent failed: {e.Message}");
            }
            InterruptedActions = [];
            ResumedByUser = false;
            var at = clock.GetUtcNow();
            object? final = outcome.Kind switch
            {
                StepOutcomeKind.Completed => new TaskCompleted(outcome.Result, at),
                StepOutcomeKind.NeedsHelp => new TaskNeedsHelp(outcome.Message ?? "The agent needs help.", at),
                StepOutcomeKind.Failed => new TaskFailed(outcome.Message ?? "The agent failed.", at),
                _ => null,
            };
            if (final is null)
            {
                _deferred.Add(new StepCompleted(_stepId, at));
                continue;
            }
            await AppendAsync([new StepCompleted(_stepId, at), final], cancellationToken);
            if (final is TaskNeedsHelp)
                desktop.Assign(ControlOwner.User);
            return;
        }
    }

    /// <summary>Best effort: commits what was deferred when the run stops between two appends.</summary>
    private async Task FlushAsync()
    {
        if (_deferred.Count == 0)
            return;
        try
        {
            await AppendAsync([], CancellationToken.None);
        }
        catch (LeaseLostException)
        {
            // A newer run owns the task; what this one deferred is refused like any write of it.
        }
    }

    /// <summary>Best effort: marks the step as interrupted by a cancel or takeover, if the lease still allows it.</summary>
    private async Task RecordStopAsync(string reason)
    {
        var ended = _deferred.OfType<ActionCompleted>().Select(c => c.ActionId).ToHashSet();
        var open = _state.OpenActions.FirstOrDefault(a => !ended.Contains(a.ActionId))?.ActionId;
        try
        {
            await AppendAsync([new StepInterrupted(_stepId, open, reason, clock.GetUtcNow())], CancellationToken.None);
        }
        catch (LeaseLostException)
        {
            // A newer run owns the task; it marks the step interrupted when it resumes.
        }
    }

    public async Task<TaskMessage> AddMessageAsync(TaskRole role, IReadOnlyList<MessageContent> content, CancellationToken cancellationToken)
    {
        var stored = await IncomingContent.StoreBlobsAsync(blobs, content, cancellationToken);
        var message = new MessageAdded(Guid.CreateVersion7(), role, stored, clock.GetUtcNow());
        await AppendAsync([message], cancellationToken);
        return _state.Messages[^1];
    }

    public Task<ActionResult> ExecuteActionAsync(
        string name, JsonElement input, Func<Guid, CancellationToken, Task<ActionResult>> execute, CancellationToken cancellationToken) =>
        ExecuteAsync(null, name, input, execute, cancellationToken);

    public Task<ActionResult> ExecuteToolAsync(
        string toolUseId, string name, JsonElement input, Func<Guid, CancellationToken, Task<ActionResult>> execute, CancellationToken cancellationToken) =>
        ExecuteAsync(toolUseId, name, input, execute, cancellationToken);

    private async Task<ActionResult> ExecuteAsync(
        string? toolUseId, string name, JsonElement input, Func<Guid, CancellationToken, Task<ActionResult>> execute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execute);
        var actionId = Guid.CreateVersion7();
        // Committed before the action runs (Rule X): after a crash the start is known, so it is never replayed.
        await AppendAsync([new ActionStarted(_stepId, actionId, name, input.Clone(), clock.GetUtcNow(), toolUseId)], cancellationToken);
        ActionResult result;
        try
        {
            result = await execute(actionId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = new ActionResult(false, e.Message);
        }
        // Deferred: a crash before the results commit leaves the action open, and an open action is never replayed.
        _deferred.Add(new ActionCompleted(_stepId, actionId, result.Succeeded, result.Error, result.Screenshot,
            clock.GetUtcNow(), result.Settle?.TotalMilliseconds));
        return result;
    }

    /// <summary>Deferred to the next append: the agent records usage just before the answer it paid for.</summary>
    public Task RecordUsageAsync(ModelUsage usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usage);
        _deferred.Add(new UsageRecorded(_stepId, usage.Model, usage.InputTokens, usage.OutputTokens, usage.Cost,
            clock.GetUtcNow(), usage.CacheReadTokens, usage.CacheWriteTokens, usage.Latency?.TotalMilliseconds,
            usage.Purpose));
        return Task.CompletedTask;
    }

    public Task AddSummaryAsync(string content, IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken) =>
        AppendAsync([new SummaryAdded(Guid.CreateVersion7(), content, messageIds, clock.GetUtcNow())], cancellationToken);

    /// <summary>
    /// Appends at any version: API writes (messages, cancel) interleave with the run, and the fence, not the
    /// version, decides whether this run may still write.
    /// </summary>
    private async Task AppendAsync(object[] appended, CancellationToken cancellationToken)
    {
        object[] events = [.. _deferred, .. appended];
        var version = await TaskStreams.AppendAsync(store, lease.TaskId, null, lease, events, cancellationToken);
        // Pick up what others appended meanwhile (user messages), so the agent sees the full history.
        if (version != _state.Version + events.Length)
        {
            foreach (var recorded in await TaskStreams.ReadAsync(store, lease.TaskId, _state.Version + 1, cancellationToken))
                _state.Apply(recorded.Data, recorded.Version);
        }
        else
        {
            foreach (var e in events)
                _state.Apply(e, _state.Version + 1);
        }
        _deferred.Clear();
    }
}
