using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Events;

/// <summary>A task folded from its stream: what commands validate against and what a worker resumes from.</summary>
internal sealed class TaskState
{
    private readonly Dictionary<Guid, ActionStarted> _openActions = [];

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

    public IEnumerable<ActionStarted> OpenActions => _openActions.Values;

    public bool Exists => Created is not null && !Deleted;

    public bool IsFinished => Status is AgentTaskStatus.Completed or AgentTaskStatus.Cancelled or AgentTaskStatus.Failed;

    public static async Task<TaskState> LoadAsync(IEventStore store, Guid taskId, CancellationToken cancellationToken)
    {
        var state = new TaskState { TaskId = taskId };
        await foreach (var recorded in store.ReadStreamAsync(TaskEventTypes.StreamId(taskId), 1, cancellationToken))
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
            case TaskStarted:
                EverStarted = true;
                Status = AgentTaskStatus.Running;
                break;
            case StepStarted e:
                Steps = e.Number;
                OpenStep = e.StepId;
                break;
            case ActionStarted e:
                _openActions[e.ActionId] = e;
                break;
            case ActionCompleted e:
                _openActions.Remove(e.ActionId);
                break;
            case StepCompleted or StepInterrupted:
                OpenStep = null;
                _openActions.Clear();
                break;
            case TaskTakenOver:
                Control = TaskRole.User;
                break;
            case TaskResumed:
                Control = TaskRole.Assistant;
                Status = AgentTaskStatus.Running;
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
