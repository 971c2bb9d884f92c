namespace Bytebot.Tasks.Contracts;

/// <summary>
/// A task as its creator asks for it, in Bytebot's wire spelling: the API's JSON or form fields, the agent's
/// <c>create_task</c> input, a channel's message. One rule set (Tasks' decisions) turns every draft into a task or a
/// refusal naming the field, whoever sent it.
/// </summary>
/// <param name="Description">What to do; 1 to 100,000 characters.</param>
/// <param name="Type">IMMEDIATE or SCHEDULED; absent with <paramref name="ScheduledFor"/> means SCHEDULED.</param>
/// <param name="Priority">LOW, MEDIUM (the default), HIGH or URGENT.</param>
/// <param name="ScheduledFor">ISO 8601; a SCHEDULED task needs it, an IMMEDIATE one may not have it.</param>
/// <param name="CreatedBy">USER (the default) or ASSISTANT.</param>
/// <param name="Model">The model to run it with; absent means the first configured one.</param>
/// <param name="Node">The node that must run it; absent means any node.</param>
/// <param name="Capabilities">Capabilities the running node must all have (<c>firefox</c>, <c>gpu</c>).</param>
/// <param name="FallbackNodes">Nodes that may run it, not yet started, while <paramref name="Node"/> is offline.</param>
/// <param name="Tags">Labels to filter by (<c>GET /api/tasks?tag=</c>); trimmed and lower-cased.</param>
/// <param name="DueAt">ISO 8601; past it, an unfinished task is overdue.</param>
/// <param name="DependsOn">Ids of existing tasks that must all be COMPLETED before this one is claimed.</param>
public sealed record TaskDraft(
    string? Description, string? Type = null, string? Priority = null, string? ScheduledFor = null,
    string? CreatedBy = null, TaskModel? Model = null, string? Node = null, IReadOnlyList<string>? Capabilities = null,
    IReadOnlyList<string>? FallbackNodes = null, IReadOnlyList<string>? Tags = null, string? DueAt = null,
    IReadOnlyList<string>? DependsOn = null);

/// <summary>
/// Creates a task in-process (the agent's <c>create_task</c> tool); answered with <see cref="TaskCreatedReply"/> through the
/// message bus, or refused with <see cref="TaskRefusedException"/>.
/// </summary>
/// <param name="Draft">The task asked for.</param>
public sealed record CreateTaskCommand(TaskDraft Draft);

/// <summary>A task command the rules refuse; nothing was written.</summary>
public sealed class TaskRefusedException : Exception
{
    /// <summary>Refused because of one field.</summary>
    /// <param name="field">The wire field, for example <c>scheduledFor</c>.</param>
    /// <param name="message">What is wrong with it.</param>
    public TaskRefusedException(string field, string message) : base(message) => Field = field;

    /// <summary>Refused, no field named.</summary>
    public TaskRefusedException() : this("", "The task command was refused.")
    {
    }

    /// <summary>Refused by the task's state.</summary>
    /// <param name="message">Why.</param>
    public TaskRefusedException(string message) : this("", message)
    {
    }

    /// <summary>Refused by the task's state, because of another failure.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">The failure.</param>
    public TaskRefusedException(string message, Exception innerException) : base(message, innerException) => Field = "";

    /// <summary>The wire field at fault (<c>scheduledFor</c>), or empty when the task's state forbids the command.</summary>
    public string Field { get; }
}

/// <summary>The id of a created task.</summary>
/// <param name="TaskId">The new task.</param>
public sealed record TaskCreatedReply(Guid TaskId);

/// <summary>
/// Cancels one task in-process (a channel's <c>/cancel</c>), by the same rule as <c>POST /api/tasks/{id}/cancel</c>:
/// answered with <see cref="TaskCancelledReply"/>, or refused with <see cref="TaskRefusedException"/> when no such task
/// exists (field <c>taskId</c>) or it has already finished.
/// </summary>
/// <param name="TaskId">The task; no other is touched.</param>
public sealed record CancelTaskCommand(Guid TaskId);

/// <summary>A task was cancelled.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="WasStatus">Its status before (PENDING, RUNNING, NEEDS_HELP, …).</param>
public sealed record TaskCancelledReply(Guid TaskId, string WasStatus);
