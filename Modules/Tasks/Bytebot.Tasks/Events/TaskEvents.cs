using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tasks.Events;

// Stored JSON is a public schema: add optional members only, never rename.
internal sealed record StoredFile(Guid Id, string Name, string MediaType, long Size, string Sha256);

internal sealed record TaskCreated(
    Guid TaskId, string Description, AgentTaskType Type, AgentTaskPriority Priority, DateTimeOffset? ScheduledFor,
    TaskRole CreatedBy, TaskModel Model, IReadOnlyList<StoredFile> Files, DateTimeOffset At,
    string? Node = null, IReadOnlyList<string>? Capabilities = null, IReadOnlyList<string>? FallbackNodes = null,
    IReadOnlyList<string>? Tags = null, DateTimeOffset? DueAt = null, IReadOnlyList<Guid>? DependsOn = null);

internal sealed record MessageAdded(Guid MessageId, TaskRole Role, IReadOnlyList<MessageContent> Content, DateTimeOffset At);

internal sealed record SummaryAdded(Guid SummaryId, string Content, IReadOnlyList<Guid> MessageIds, DateTimeOffset At);

internal sealed record TaskStarted(string WorkerId, string DesktopId, long Epoch, bool Resumed, DateTimeOffset At);

internal sealed record StepStarted(Guid StepId, int Number, DateTimeOffset At);

internal sealed record ActionStarted(Guid StepId, Guid ActionId, string Name, JsonElement Input, DateTimeOffset At, string? ToolUseId = null);

internal sealed record ActionCompleted(
    Guid StepId, Guid ActionId, bool Succeeded, string? Error, BlobReference? Screenshot, DateTimeOffset At, double? SettleMs = null);

internal sealed record UsageRecorded(
    Guid StepId, string Model, long InputTokens, long OutputTokens, decimal? Cost, DateTimeOffset At,
    long CacheReadTokens = 0, long CacheWriteTokens = 0, double? LatencyMs = null, string? Purpose = null);

internal sealed record StepCompleted(Guid StepId, DateTimeOffset At);

/// <summary>The step ended without its end being recorded; <c>ActionId</c> is an action that must not be replayed.</summary>
internal sealed record StepInterrupted(Guid StepId, Guid? ActionId, string Reason, DateTimeOffset At);

internal sealed record ApprovalRequested(
    Guid ApprovalId, string Tool, string Reason, DateTimeOffset ExpiresAt, DateTimeOffset At);

/// <summary><c>By</c> is <c>policy</c> for a call denied without asking (a deny rule, no approver reachable).</summary>
internal sealed record ApprovalDecided(
    Guid ApprovalId, string Tool, string Decision, string By, string Reason, DateTimeOffset At);

/// <summary>
/// The node holding the task's lease <c>Epoch</c> went offline: the task is never moved (its desktop holds its state);
/// it resumes when the node returns, or the user cancels it.
/// </summary>
internal sealed record TaskNodeLost(string Node, long Epoch, DateTimeOffset At);

internal sealed record TaskTakenOver(DateTimeOffset At);

internal sealed record TaskResumed(DateTimeOffset At);

/// <summary>The user sent a failed or stuck task back to the queue; its history stays, so the agent goes on from it.</summary>
internal sealed record TaskRetried(DateTimeOffset At);

internal sealed record TaskNeedsHelp(string Reason, DateTimeOffset At);

internal sealed record TaskCompleted(JsonElement? Result, DateTimeOffset At);

internal sealed record TaskFailed(string Error, DateTimeOffset At);

internal sealed record TaskCancelled(DateTimeOffset At);

internal sealed record TaskDeleted(DateTimeOffset At);

/// <summary>Stored type names are a public schema (they are the SSE event names too): never rename one.</summary>
internal static class TaskEventTypes
{
    public static IServiceCollection AddTaskEvents(this IServiceCollection services) =>
        services.ConfigureMarten(options =>
        {
            options.Events.MapEventType<TaskCreated>(TaskEventNames.TaskCreated);
            options.Events.MapEventType<MessageAdded>(TaskEventNames.MessageAdded);
            options.Events.MapEventType<SummaryAdded>("tasks.summary_added");
            options.Events.MapEventType<TaskStarted>(TaskEventNames.TaskStarted);
            options.Events.MapEventType<StepStarted>(TaskEventNames.StepStarted);
            options.Events.MapEventType<ActionStarted>(TaskEventNames.ActionStarted);
            options.Events.MapEventType<ActionCompleted>(TaskEventNames.ActionCompleted);
            options.Events.MapEventType<UsageRecorded>(TaskEventNames.UsageRecorded);
            options.Events.MapEventType<StepCompleted>(TaskEventNames.StepCompleted);
            options.Events.MapEventType<StepInterrupted>(TaskEventNames.StepInterrupted);
            options.Events.MapEventType<ApprovalRequested>(TaskEventNames.ApprovalRequested);
            options.Events.MapEventType<ApprovalDecided>(TaskEventNames.ApprovalDecided);
            options.Events.MapEventType<TaskNodeLost>(TaskEventNames.TaskNodeLost);
            options.Events.MapEventType<TaskTakenOver>(TaskEventNames.TaskTakenOver);
            options.Events.MapEventType<TaskResumed>(TaskEventNames.TaskResumed);
            options.Events.MapEventType<TaskRetried>(TaskEventNames.TaskRetried);
            options.Events.MapEventType<TaskNeedsHelp>(TaskEventNames.TaskNeedsHelp);
            options.Events.MapEventType<TaskCompleted>(TaskEventNames.TaskCompleted);
            options.Events.MapEventType<TaskFailed>(TaskEventNames.TaskFailed);
            options.Events.MapEventType<TaskCancelled>(TaskEventNames.TaskCancelled);
            options.Events.MapEventType<TaskDeleted>(TaskEventNames.TaskDeleted);
        });
}
