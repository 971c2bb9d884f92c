using System.Text.Json;
using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tasks.Events;

// Stored JSON is a public schema: add optional members only, never rename.
internal sealed record StoredFile(Guid Id, string Name, string MediaType, long Size, string Sha256);

internal sealed record TaskCreated(
    Guid TaskId, string Description, AgentTaskType Type, AgentTaskPriority Priority, DateTimeOffset? ScheduledFor,
    TaskRole CreatedBy, TaskModel Model, IReadOnlyList<StoredFile> Files, DateTimeOffset At);

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

internal sealed record TaskTakenOver(DateTimeOffset At);

internal sealed record TaskResumed(DateTimeOffset At);

internal sealed record TaskNeedsHelp(string Reason, DateTimeOffset At);

internal sealed record TaskCompleted(JsonElement? Result, DateTimeOffset At);

internal sealed record TaskFailed(string Error, DateTimeOffset At);

internal sealed record TaskCancelled(DateTimeOffset At);

internal sealed record TaskDeleted(DateTimeOffset At);

internal static class TaskEventTypes
{
    public static string StreamId(Guid taskId) => $"task-{taskId}";

    public static bool TryParseStreamId(string streamId, out Guid taskId)
    {
        taskId = Guid.Empty;
        return streamId.StartsWith("task-", StringComparison.Ordinal) && Guid.TryParse(streamId.AsSpan(5), out taskId);
    }

    public static IServiceCollection AddTaskEvents(this IServiceCollection services) => services
        .AddEventType<TaskCreated>("tasks.task_created")
        .AddEventType<MessageAdded>("tasks.message_added")
        .AddEventType<SummaryAdded>("tasks.summary_added")
        .AddEventType<TaskStarted>("tasks.task_started")
        .AddEventType<StepStarted>("tasks.step_started")
        .AddEventType<ActionStarted>("tasks.action_started")
        .AddEventType<ActionCompleted>("tasks.action_completed")
        .AddEventType<UsageRecorded>("tasks.usage_recorded")
        .AddEventType<StepCompleted>("tasks.step_completed")
        .AddEventType<StepInterrupted>("tasks.step_interrupted")
        .AddEventType<TaskTakenOver>("tasks.task_taken_over")
        .AddEventType<TaskResumed>("tasks.task_resumed")
        .AddEventType<TaskNeedsHelp>("tasks.task_needs_help")
        .AddEventType<TaskCompleted>("tasks.task_completed")
        .AddEventType<TaskFailed>("tasks.task_failed")
        .AddEventType<TaskCancelled>("tasks.task_cancelled")
        .AddEventType<TaskDeleted>("tasks.task_deleted");
}
