using Bytebot.Tasks.Api;
using Bytebot.Tasks.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.Marten;

namespace Bytebot.Tasks.Schedules;

/// <summary>A schedule's occurrence is due: scheduled through Wolverine's outbox with the write that set it.</summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="Occurrence">The occurrence, in UTC; stale when the schedule's next one is another.</param>
public sealed record FireSchedule(Guid ScheduleId, DateTimeOffset Occurrence);

public static class FireScheduleHandler
{
    public static Task HandleAsync(FireSchedule message, ScheduleRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return runner.FireAsync(message, cancellationToken);
    }
}

/// <summary>Schedules' settings (<c>Tasks:Schedules</c>).</summary>
internal sealed class ScheduleOptions
{
    /// <summary>An occurrence handled later than this after its time was missed (the host was down).</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromMinutes(1);

    public static ScheduleOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new ScheduleOptions();
        options.LateAfter = configuration.GetSection("Tasks:Schedules").GetValue(nameof(LateAfter), options.LateAfter);
        return options;
    }
}

/// <summary>
/// Runs one occurrence: the task's stream, the occurrence's record and the next occurrence's envelope are one
/// transaction, so a crash leaves either all of them or the occurrence still pending; a second delivery of the same
/// occurrence is refused by <c>task_schedule_fire</c> and writes nothing (public: the handler takes it).
/// </summary>
public sealed partial class ScheduleRunner
{
    private readonly TaskSchedules _schedules;
    private readonly IServiceScopeFactory _scopes;
    private readonly IDocumentStore _store;
    private readonly ScheduleOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ScheduleRunner> _logger;

    internal ScheduleRunner(TaskSchedules schedules, IServiceScopeFactory scopes, IDocumentStore store,
        ScheduleOptions options, TimeProvider clock, ILogger<ScheduleRunner> logger)
    {
        _schedules = schedules;
        _scopes = scopes;
        _store = store;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    internal async Task FireAsync(FireSchedule fire, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fire);
        var schedule = await _schedules.GetAsync(fire.ScheduleId, cancellationToken);
        if (schedule is null || schedule.Paused || schedule.NextRunAt != fire.Occurrence)
            return;
        var now = _clock.GetUtcNow();
        var recurrence = Recurrence.Parse(schedule.Cron, schedule.TimeZone).Recurrence;
        // Occurrences missed while the host was down collapse into this one: the next is the first after now.
        if (recurrence?.NextAfter(now > fire.Occurrence ? now : fire.Occurrence) is not { } next)
            return;
        var late = now - fire.Occurrence > _options.LateAfter;
        try
        {
            if (late && schedule.Missed == MissedOccurrences.Skip)
            {
                await RecordAsync(fire, next, "skipped",
                    $"Missed by {(now - fire.Occurrence).TotalSeconds:0} s while the host was down.", now, cancellationToken);
                LogSkipped(_logger, schedule.Id, fire.Occurrence);
                return;
            }
            await using var scope = _scopes.CreateAsyncScope();
            var creator = scope.ServiceProvider.GetRequiredService<TaskCreator>();
            var detail = late ? $"Missed while the host was down; run {(now - fire.Occurrence).TotalSeconds:0} s late." : null;
            var (created, refusal) = await creator.CreateAsync(schedule.Task.ToDraft(), [],
                (session, outbox, taskId) => TaskSchedules.RecordFireAsync(
                    session, outbox, fire, next, taskId, "created", detail, now),
                cancellationToken);
            if (refusal is not null)
            {
                await RecordAsync(fire, next, "refused", $"{refusal.Field}: {refusal.Message}", now, cancellationToken);
                LogRefused(_logger, schedule.Id, refusal.Field, refusal.Message);
            }
            else
            {
                LogCreated(_logger, schedule.Id, fire.Occurrence, created);
            }
        }
        catch (Exception e) when (IsStale(e))
        {
            // Paused, deleted or already run between the read and the write: nothing was written.
        }
    }

    private async Task RecordAsync(FireSchedule fire, DateTimeOffset next, string outcome, string detail,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = _store.LightweightSession();
        outbox.Enroll(session);
        await TaskSchedules.RecordFireAsync(session, outbox, fire, next, null, outcome, detail, now);
        await session.SaveChangesAsync(cancellationToken);
    }

    private static bool IsStale(Exception exception) =>
        PostgresErrors.Find(exception, SchedulesSchema.StaleOccurrence) is not null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: occurrence {Occurrence} created task {TaskId}")]
    private static partial void LogCreated(ILogger logger, Guid scheduleId, DateTimeOffset occurrence, Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: occurrence {Occurrence} was missed and is skipped")]
    private static partial void LogSkipped(ILogger logger, Guid scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId}: its task was refused ({Field}: {Reason})")]
    private static partial void LogRefused(ILogger logger, Guid scheduleId, string? field, string reason);
}
