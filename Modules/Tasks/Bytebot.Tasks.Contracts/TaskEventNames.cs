namespace Bytebot.Tasks.Contracts;

/// <summary>
/// The stable names of task events, as <see cref="TaskNotification.Type"/> carries them: the public schema that live
/// readers (the dashboard, SSE clients) switch on, so no other module spells them out.
/// </summary>
public static class TaskEventNames
{
    /// <summary>Prefix of the events that change a task's status or control.</summary>
    public const string LifecyclePrefix = "tasks.task_";

    /// <summary>A task was created.</summary>
    public const string TaskCreated = "tasks.task_created";

    /// <summary>A message was added to the conversation.</summary>
    public const string MessageAdded = "tasks.message_added";

    /// <summary>A worker started (or resumed after a restart) the task.</summary>
    public const string TaskStarted = "tasks.task_started";

    /// <summary>The node a started task is pinned to went offline; the task waits for it or for the user.</summary>
    public const string TaskNodeLost = "tasks.task_node_lost";

    /// <summary>The user handed control back.</summary>
    public const string TaskResumed = "tasks.task_resumed";

    /// <summary>The user sent a failed task (or one that needed help) back to the queue, history kept.</summary>
    public const string TaskRetried = "tasks.task_retried";

    /// <summary>A step of the agent began.</summary>
    public const string StepStarted = "tasks.step_started";

    /// <summary>An action was about to run (recorded before it ran).</summary>
    public const string ActionStarted = "tasks.action_started";

    /// <summary>An action finished.</summary>
    public const string ActionCompleted = "tasks.action_completed";

    /// <summary>A model call's tokens and cost were recorded.</summary>
    public const string UsageRecorded = "tasks.usage_recorded";

    /// <summary>A step finished.</summary>
    public const string StepCompleted = "tasks.step_completed";

    /// <summary>A step was cut short (cancel, takeover, restart).</summary>
    public const string StepInterrupted = "tasks.step_interrupted";

    /// <summary>A tool call waits for a human's approval.</summary>
    public const string ApprovalRequested = "tasks.approval_requested";

    /// <summary>A tool call was approved, denied (by a human or the policy) or its approval expired.</summary>
    public const string ApprovalDecided = "tasks.approval_decided";

    /// <summary>The user took control.</summary>
    public const string TaskTakenOver = "tasks.task_taken_over";

    /// <summary>The agent asked for help.</summary>
    public const string TaskNeedsHelp = "tasks.task_needs_help";

    /// <summary>The task completed.</summary>
    public const string TaskCompleted = "tasks.task_completed";

    /// <summary>The task failed.</summary>
    public const string TaskFailed = "tasks.task_failed";

    /// <summary>The task was cancelled.</summary>
    public const string TaskCancelled = "tasks.task_cancelled";

    /// <summary>The task was deleted.</summary>
    public const string TaskDeleted = "tasks.task_deleted";
}
