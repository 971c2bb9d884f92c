using System.Text.Json.Serialization;

namespace Bytebot.Tasks.Contracts;

/// <summary>Where a task is in its life; the JSON names are Bytebot's.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentTaskStatus>))]
public enum AgentTaskStatus
{
    /// <summary>Waiting in the queue.</summary>
    [JsonStringEnumMemberName("PENDING")] Pending,

    /// <summary>Claimed by a worker (or held by the user after a takeover).</summary>
    [JsonStringEnumMemberName("RUNNING")] Running,

    /// <summary>The agent asked for a human; the user has control.</summary>
    [JsonStringEnumMemberName("NEEDS_HELP")] NeedsHelp,

    /// <summary>Waiting for a human to review the result.</summary>
    [JsonStringEnumMemberName("NEEDS_REVIEW")] NeedsReview,

    /// <summary>Finished successfully.</summary>
    [JsonStringEnumMemberName("COMPLETED")] Completed,

    /// <summary>Stopped by a user.</summary>
    [JsonStringEnumMemberName("CANCELLED")] Cancelled,

    /// <summary>Stopped by an error, written to <c>error</c>.</summary>
    [JsonStringEnumMemberName("FAILED")] Failed,
}

/// <summary>Queue priority; higher runs first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentTaskPriority>))]
public enum AgentTaskPriority
{
    /// <summary>Runs after everything else.</summary>
    [JsonStringEnumMemberName("LOW")] Low,

    /// <summary>The default.</summary>
    [JsonStringEnumMemberName("MEDIUM")] Medium,

    /// <summary>Runs before MEDIUM.</summary>
    [JsonStringEnumMemberName("HIGH")] High,

    /// <summary>Runs first.</summary>
    [JsonStringEnumMemberName("URGENT")] Urgent,
}

/// <summary>IMMEDIATE tasks are claimable at once; SCHEDULED ones once <c>scheduledFor</c> has passed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentTaskType>))]
public enum AgentTaskType
{
    /// <summary>Claimable at once.</summary>
    [JsonStringEnumMemberName("IMMEDIATE")] Immediate,

    /// <summary>Claimable once <c>scheduledFor</c> has passed.</summary>
    [JsonStringEnumMemberName("SCHEDULED")] Scheduled,
}

/// <summary>Who wrote a message, who created a task, who controls the desktop.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskRole>))]
public enum TaskRole
{
    /// <summary>The human.</summary>
    [JsonStringEnumMemberName("USER")] User,

    /// <summary>The agent.</summary>
    [JsonStringEnumMemberName("ASSISTANT")] Assistant,
}

/// <summary>The model a task runs with (Bytebot's <c>BytebotAgentModel</c>).</summary>
/// <param name="Provider">anthropic, openai, google or proxy.</param>
/// <param name="Name">The provider's model id.</param>
/// <param name="Title">A display name.</param>
/// <param name="ContextWindow">Tokens the model accepts, when known.</param>
public sealed record TaskModel(string Provider, string Name, string Title, int? ContextWindow = null);

/// <summary>Bytes kept in content-addressed storage; events and rows hold only this reference.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="MediaType">MIME type.</param>
public sealed record BlobReference(string Sha256, long Size, string MediaType);
