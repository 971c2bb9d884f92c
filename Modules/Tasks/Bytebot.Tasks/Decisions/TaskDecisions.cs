using System.Globalization;
using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.ReadModels;

namespace Bytebot.Tasks.Decisions;

/// <summary>Why a command was refused: <paramref name="Field"/> names the wire field, or is null when the task's state
/// forbids it.</summary>
internal sealed record TaskRefusal(string? Field, string Message);

/// <summary>The events a command produces, or its refusal (and no events).</summary>
internal sealed record TaskDecision(IReadOnlyList<object> Events, TaskRefusal? Refusal)
{
    public static TaskDecision Accept(params object[] events) => new(events, null);

    public static TaskDecision Invalid(string field, string message) => new([], new TaskRefusal(field, message));

    public static TaskDecision Forbidden(string message) => new([], new TaskRefusal(null, message));
}

/// <summary>
/// Every task command decided as a function of (state, command, now): no I/O, so the rules are tested without a
/// database and every caller (the API, the agent's tool, channels) gets the same answer.
/// </summary>
internal static class TaskDecisions
{
    public const int MaxText = 100_000;

    /// <summary>A new task; <paramref name="model"/> is what the model catalog says of the draft's model, if any.</summary>
    /// <remarks><paramref name="existing"/>: the ids among the draft's dependencies that name a task.</remarks>
    public static TaskDecision Create(TaskDraft draft, IReadOnlyList<StoredFile> files, TaskModel defaultModel,
        ModelAvailability model, Guid taskId, DateTimeOffset now, IReadOnlySet<Guid>? existing = null)
    {
        var description = draft.Description?.Trim() ?? "";
        if (description.Length == 0)
            return TaskDecision.Invalid("description", "A description is required.");
        if (description.Length > MaxText)
            return TaskDecision.Invalid("description", $"At most {MaxText} characters.");
        AgentTaskType? type = null;
        if (draft.Type is not null)
        {
            if (!TryParse<AgentTaskType>(draft.Type, out var parsed))
                return TaskDecision.Invalid("type", "Must be IMMEDIATE or SCHEDULED.");
            type = parsed;
        }
        var priority = AgentTaskPriority.Medium;
        if (draft.Priority is not null && !TryParse(draft.Priority, out priority))
            return TaskDecision.Invalid("priority", "Must be LOW, MEDIUM, HIGH or URGENT.");
        var createdBy = TaskRole.User;
        if (draft.CreatedBy is not null && !TryParse(draft.CreatedBy, out createdBy))
            return TaskDecision.Invalid("createdBy", "Must be USER or ASSISTANT.");
        DateTimeOffset? scheduledFor = null;
        if (draft.ScheduledFor is not null)
        {
            if (!DateTimeOffset.TryParse(draft.ScheduledFor, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return TaskDecision.Invalid("scheduledFor", "Must be an ISO 8601 date and time.");
            scheduledFor = at.ToUniversalTime();
        }
        var resolved = type ?? (scheduledFor is null ? AgentTaskType.Immediate : AgentTaskType.Scheduled);
        if (resolved == AgentTaskType.Scheduled && scheduledFor is null)
            return TaskDecision.Invalid("scheduledFor", "A SCHEDULED task needs scheduledFor.");
        if (resolved == AgentTaskType.Immediate && scheduledFor is not null)
            return TaskDecision.Invalid("scheduledFor", "An IMMEDIATE task cannot have scheduledFor; use type SCHEDULED.");
        if (draft.Model is { } named)
        {
            if (string.IsNullOrWhiteSpace(named.Provider) || string.IsNullOrWhiteSpace(named.Name))
                return TaskDecision.Invalid("model", "A model needs provider and name.");
            if (Refusal(named, model) is { } refusal)
                return refusal;
        }
        for (var i = 0; i < files.Count; i++)
        {
            var name = files[i].Name;
            if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or ".."
                || name.Contains('\0', StringComparison.Ordinal))
                return TaskDecision.Invalid($"files[{i}].name", "A plain file name is required (no path).");
        }
        var (routing, misrouted) = TaskRouting.Decide(draft);
        if (misrouted is not null)
            return new TaskDecision([], misrouted);
        var (links, unlinked) = TaskLinks.Decide(draft, taskId, existing ?? new HashSet<Guid>());
        if (unlinked is not null)
            return new TaskDecision([], unlinked);
        var text = description + string.Concat(files.Select(f => $"\n\nFile {f.Name} written to desktop."));
        return TaskDecision.Accept(
            new TaskCreated(taskId, description, resolved, priority, scheduledFor, createdBy, draft.Model ?? defaultModel, files, now,
                routing.Node, routing.IsRouted ? routing.Capabilities : null, routing.Node is null ? null : routing.FallbackNodes,
                links.Tags, links.DueAt, links.DependsOn),
            new MessageAdded(Guid.CreateVersion7(), TaskRole.User, [new TextContent(text)], now));
    }

    public static TaskDecision TakeOver(TaskState state, DateTimeOffset now) =>
        state.IsFinished ? Finished(state)
        : state.Control != TaskRole.Assistant ? TaskDecision.Forbidden("The user already has control.")
        : TaskDecision.Accept(new TaskTakenOver(now));

    public static TaskDecision Resume(TaskState state, DateTimeOffset now) =>
        state.IsFinished ? Finished(state)
        : state.Control != TaskRole.User ? TaskDecision.Forbidden("The assistant already has control.")
        : TaskDecision.Accept(new TaskResumed(now));

    /// <summary>Only a failed task or one waiting for help goes back to the queue; a finished one stays finished.</summary>
    public static TaskDecision Retry(TaskState state, DateTimeOffset now) =>
        state.Status is AgentTaskStatus.Failed or AgentTaskStatus.NeedsHelp ? TaskDecision.Accept(new TaskRetried(now))
        : TaskDecision.Forbidden($"Only a FAILED or NEEDS_HELP task can be retried; this one is {Wire.Name(state.Status)}.");

    public static TaskDecision Cancel(TaskState state, DateTimeOffset now) =>
        state.IsFinished ? TaskDecision.Forbidden($"The task is already {Wire.Name(state.Status)}.")
        : TaskDecision.Accept(new TaskCancelled(now));

    /// <summary>Under <c>Tasks:Dependencies:OnFailure=Fail</c>: a task still waiting fails with its dependency's end.</summary>
    public static TaskDecision FailForDependency(TaskState state, Guid dependency, string status, DateTimeOffset now) =>
        state.Status == AgentTaskStatus.Pending
            ? TaskDecision.Accept(new TaskFailed($"Dependency {dependency} is {status}.", now))
            : TaskDecision.Forbidden($"The task is {Wire.Name(state.Status)}, no longer waiting.");

    public static TaskDecision Delete(DateTimeOffset now) => TaskDecision.Accept(new TaskDeleted(now));

    public static TaskDecision AddMessage(string? message, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(message) ? TaskDecision.Invalid("message", "A non-empty message is required.")
        : message.Length > MaxText ? TaskDecision.Invalid("message", $"At most {MaxText} characters.")
        : TaskDecision.Accept(new MessageAdded(Guid.CreateVersion7(), TaskRole.User, [new TextContent(message)], now));

    private static TaskDecision? Refusal(TaskModel model, ModelAvailability availability) => availability switch
    {
        ModelAvailability.UnknownProvider => TaskDecision.Invalid(
            "model.provider", $"'{model.Provider}' is not a provider; use anthropic, openai or openai-compatible."),
        ModelAvailability.ProviderNotConfigured => TaskDecision.Invalid("model.provider",
            $"The provider '{model.Provider}' is not configured (no API key or base URL); see GET /api/tasks/models."),
        ModelAvailability.NotListed => TaskDecision.Invalid("model.name",
            $"The provider '{model.Provider}' does not list a model '{model.Name}'; see GET /api/tasks/models."),
        _ => null,
    };

    private static TaskDecision Finished(TaskState state) => TaskDecision.Forbidden($"The task is {Wire.Name(state.Status)}.");

    private static bool TryParse<TEnum>(string value, out TEnum parsed) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Wire.Name(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                parsed = candidate;
                return true;
            }
        }
        parsed = default;
        return false;
    }
}
