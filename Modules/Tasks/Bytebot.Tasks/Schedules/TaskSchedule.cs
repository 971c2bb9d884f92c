using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Schedules;

/// <summary>The task each occurrence creates: a normal IMMEDIATE task with these fields.</summary>
internal sealed record ScheduledTask(
    string Description, string? Priority = null, TaskModel? Model = null, string? Node = null,
    IReadOnlyList<string>? Capabilities = null, IReadOnlyList<string>? FallbackNodes = null,
    IReadOnlyList<string>? Tags = null)
{
    public TaskDraft ToDraft() => new(Description, Priority: Priority, Model: Model, Node: Node,
        Capabilities: Capabilities, FallbackNodes: FallbackNodes, Tags: Tags);
}

/// <summary>What an occurrence the host was down for does when the host comes back.</summary>
internal static class MissedOccurrences
{
    /// <summary>The missed occurrences run once, as one task, when the host starts.</summary>
    public const string RunOnce = "runOnce";

    /// <summary>They are recorded as skipped and the schedule goes on from the next one.</summary>
    public const string Skip = "skip";
}

/// <summary>A schedule as it is stored.</summary>
internal sealed record TaskSchedule(
    Guid Id, string Name, string Cron, string TimeZone, string Missed, ScheduledTask Task, bool Paused,
    DateTimeOffset? NextRunAt, int Runs, int Skipped, DateTimeOffset? LastRunAt, Guid? LastTaskId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One occurrence: the task it created, or why it created none.</summary>
/// <param name="Occurrence">When it was due.</param>
/// <param name="FiredAt">When it ran.</param>
/// <param name="TaskId">The task it created; null when it created none.</param>
/// <param name="Outcome"><c>created</c>, <c>skipped</c> (missed while the host was down) or <c>refused</c>.</param>
/// <param name="Detail">Why it was late, skipped or refused.</param>
internal sealed record ScheduleRunView(
    DateTimeOffset Occurrence, DateTimeOffset FiredAt, Guid? TaskId, string Outcome, string? Detail);

/// <summary>A schedule as the API shows it, with its next occurrences (none while paused).</summary>
internal sealed record ScheduleView(
    Guid Id, string Name, string Description, string Cron, string TimeZone, string Missed, bool Paused,
    DateTimeOffset? NextRunAt, IReadOnlyList<DateTimeOffset> NextRuns, int Runs, int Skipped,
    DateTimeOffset? LastRunAt, Guid? LastTaskId, string? Priority, TaskModel? Model, string? Node,
    IReadOnlyList<string>? Capabilities, IReadOnlyList<string>? FallbackNodes, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The latest occurrences, newest first; on a schedule's own read.</summary>
    public IReadOnlyList<ScheduleRunView>? Recent { get; init; }

    /// <summary>Tags every created task carries.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    public static ScheduleView Of(TaskSchedule schedule, DateTimeOffset now)
    {
        var nextRuns = schedule.Paused || schedule.NextRunAt is not { } next
            ? []
            : new[] { next }.Concat(Recurrence.Parse(schedule.Cron, schedule.TimeZone).Recurrence?
                .Next(next > now ? next : now, 4) ?? []).Distinct().Take(5).ToList();
        var task = schedule.Task;
        return new ScheduleView(schedule.Id, schedule.Name, task.Description, schedule.Cron, schedule.TimeZone,
            schedule.Missed, schedule.Paused, schedule.NextRunAt, nextRuns, schedule.Runs, schedule.Skipped,
            schedule.LastRunAt, schedule.LastTaskId, task.Priority, task.Model, task.Node, task.Capabilities,
            task.FallbackNodes, schedule.CreatedAt, schedule.UpdatedAt) { Tags = task.Tags };
    }
}
