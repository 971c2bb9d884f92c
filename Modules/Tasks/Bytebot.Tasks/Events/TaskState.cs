using Bytebot.Tasks.Contracts;
using Marten;

namespace Bytebot.Tasks.Events;

/// <summary>A task folded from its stream: what commands validate against and what a worker resumes from.</summary>
internal sealed class TaskState
{
    private readonly Dictionary<Guid, ActionStarted> _openActions = [];
    private readonly Dictionary<Guid, string> _toolUseOfAction = [];

    public Guid TaskId { get; private set; }

    public long Version { get; private set; }

    public TaskCreated? Created { get; private set; }

    public AgentTaskStatus Status { get; private set; }

    public TaskRole Control { get; private set; } = TaskRole.Assistant;

    public bool Deleted { get; private set; }

    public bool EverStarted { get; private set; }

    public int Steps { get; private set; }

    public Guid? OpenStep { get; private set; }

    public List<TaskMessage> Messages { get; } = [];

    public List<TaskSummary> Summaries { get; } = [];

    public Dictionary<string, ToolActionRecord> ToolActions { get; } = new(StringComparer.Ordinal);

    public TaskUsageTotals Usage { get; private set; } = TaskUsageTotals.None;

    public DateTimeOffset? FirstStartedAt { get; private set; }

    /// <summary>The user handed control back and no step has started since.</summary>
    public bool ResumedByUser { get; private set; }

    public IEnumerable<ActionStarted> OpenActions => _openActions.Values;

    public bool Exists => Created is not null && !Deleted;

    public bool IsFinished => Status is AgentTaskStatus.Completed or AgentTaskStatus.Cancelled or AgentTaskStatus.Failed;

    public static async Task<TaskState> LoadAsync(IDocumentStore store, Guid taskId, CancellationToken cancellationToken)
    {
        var state = new TaskState { TaskId = taskId };
        foreach (var recorded in await TaskStreams.ReadAsync(store, taskId, 1, cancellationToken))
            state.Apply(recorded.Data, recorded.Version);
        return state;
    }

    public void Apply(object data, long version)
    {
        Version = version;
        switch (data)
        {
            case TaskCreated e:
                Created = e;
                Status = AgentTaskStatus.Pending;
                break;
            case MessageAdded e:
                Messages.Add(new TaskMessage(e.MessageId, e.Role, e.Content, e.At));
                break;
            case SummaryAdded e:
                Summaries.Add(new TaskSummary(e.SummaryId, e.Content, e.MessageIds));
                break;
            case UsageRecorded e:
                Usage = Usage with
                {
                    Calls = Usage.Calls + 1,
                    InputTokens = Usage.InputTokens + e.InputTokens,
                    OutputTokens = Usage.OutputTokens + e.OutputTokens,
                    CacheReadTokens = Usage.CacheReadTokens + e.CacheReadTokens,
                    CacheWriteTokens = Usage.CacheWriteTokens + e.CacheWriteTokens,
                    Cost = Usage.Cost + (e.Cost ?? 0m),
                };
                break;
            case TaskStarted e:
                FirstStartedAt ??= e.At;
                EverStarted = true;
                Status = AgentTaskStatus.Running;
                break;
            case StepStarted e:
                Steps = e.Number;
                OpenStep = e.StepId;
                ResumedByUser = false;
                break;
            case ActionStarted e:
                _openActions[e.ActionId] = e;
                if (e.ToolUseId is { } toolUseId)
                {
                    _toolUseOfAction[e.ActionId] = toolUseId;
                    ToolActions[toolUseId] = new ToolActionRecord(null, null);
                }
                break;
            case ActionCompleted e:
                _openActions.Remove(e.ActionId);
                if (_toolUseOfAction.Remove(e.ActionId, out var completedToolUse))
                    ToolActions[completedToolUse] = new ToolActionRecord(e.Succeeded, e.Error);
                break;
            case StepCompleted or StepInterrupted:
                OpenStep = null;
                _openActions.Clear();
                break;
            case TaskTakenOver:
                Control = TaskRole.User;
                break;
            case TaskResumed:
                ResumedByUser = true;
                Control = TaskRole.Assistant;
                Status = AgentTaskStatus.Running;
                break;
            case TaskRetried:
                ResumedByUser = true;
                Control = TaskRole.Assistant;
                Status = AgentTaskStatus.Pending;
                break;
            case TaskNeedsHelp:
                Control = TaskRole.User;
                Status = AgentTaskStatus.NeedsHelp;
                break;
            case TaskCompleted:
                Status = AgentTaskStatus.Completed;
                break;
            case TaskFailed:
                Status = AgentTaskStatus.Failed;
                break;
            case TaskCancelled:
                Status = AgentTaskStatus.Cancelled;
                break;
            case TaskDeleted:
                Deleted = true;
                break;
        }
    }
}
