namespace Bytebot.Channels.Contracts;

/// <summary>
/// The event types a webhook subscription can name, as the <c>type</c> field of every delivered payload carries them:
/// the public schema receivers switch on.
/// </summary>
public static class WebhookEvents
{
    /// <summary>A task was created.</summary>
    public const string TaskCreated = "task.created";

    /// <summary>A worker started (or resumed) a task.</summary>
    public const string TaskStarted = "task.started";

    /// <summary>The agent asked for help.</summary>
    public const string TaskNeedsHelp = "task.needs_help";

    /// <summary>A task completed.</summary>
    public const string TaskCompleted = "task.completed";

    /// <summary>A task failed.</summary>
    public const string TaskFailed = "task.failed";

    /// <summary>A task was cancelled.</summary>
    public const string TaskCancelled = "task.cancelled";

    /// <summary>A task's tool call waits for a human's approval.</summary>
    public const string ApprovalRequested = "approval.requested";

    /// <summary>A task's tool call was approved, denied or its approval expired.</summary>
    public const string ApprovalDecided = "approval.decided";

    /// <summary>A test delivery asked for by hand (<c>POST /api/webhooks/{id}/test</c>); sent whatever a
    /// subscription names, never by an event.</summary>
    public const string Test = "webhook.test";

    /// <summary>Every event type a subscription can name, in the order above (not <see cref="Test"/>).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        TaskCreated, TaskStarted, TaskNeedsHelp, TaskCompleted, TaskFailed, TaskCancelled, ApprovalRequested,
        ApprovalDecided,
    ];
}
