namespace Bytebot.Tasks.Contracts;

/// <summary>
/// Creates a task in-process (the agent's <c>create_task</c> tool); answered with <see cref="TaskCreatedReply"/> through the
/// message bus. Validation failures throw <see cref="ArgumentException"/> whose message starts with the field.
/// </summary>
/// <param name="Description">What to do.</param>
/// <param name="Type">IMMEDIATE or SCHEDULED.</param>
/// <param name="Priority">Queue priority.</param>
/// <param name="ScheduledFor">When a SCHEDULED task becomes claimable.</param>
/// <param name="Model">The model to run it with.</param>
/// <param name="CreatedBy">USER or ASSISTANT.</param>
public sealed record CreateTaskCommand(
    string Description, AgentTaskType Type, AgentTaskPriority Priority, DateTimeOffset? ScheduledFor, TaskModel Model, TaskRole CreatedBy);

/// <summary>The id of a created task.</summary>
/// <param name="TaskId">The new task.</param>
public sealed record TaskCreatedReply(Guid TaskId);
