using System.Text.Json;
using Bytebot.Tasks.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Marten;

namespace Bytebot.Tasks.Schedules;

/// <summary><c>/api/schedules</c>: recurring tasks, each occurrence a normal task.</summary>
internal static class SchedulesApi
{
    public const string CreateSchema = """
        {"type":"object","required":["description","cron"],"properties":{
        "name":{"type":"string","description":"Shown in lists; default: the description's start"},
        "description":{"type":"string","description":"The task each occurrence creates"},
        "cron":{"type":"string","description":"Five fields (minute hour day month weekday), six with seconds first, or @daily, @hourly, ..."},
        "timeZone":{"type":"string","description":"IANA time zone the expression is read in; default UTC"},
        "missed":{"type":"string","enum":["runOnce","skip"],"description":"Occurrences missed while the host was down: run once at start (default) or skip"},
        "priority":{"type":"string","enum":["LOW","MEDIUM","HIGH","URGENT"]},
        "model":{"type":"object","properties":{"provider":{"type":"string"},"name":{"type":"string"},"title":{"type":"string"}}},
        "node":{"type":"string"},"capabilities":{"type":"array","items":{"type":"string"}},
        "fallbackNodes":{"type":"array","items":{"type":"string"}},
        "tags":{"type":"array","items":{"type":"string"},"description":"Tags every created task carries"}}}
        """;

    private const int RecentRuns = 20;

    public static async Task<IResult> ListAsync(TaskSchedules schedules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok((await schedules.ListAsync(cancellationToken)).Select(s => ScheduleView.Of(s, now)).ToList());
    }

    public static async Task<IResult> GetAsync(
        Guid id, TaskSchedules schedules, TimeProvider clock, CancellationToken cancellationToken) =>
        await schedules.GetAsync(id, cancellationToken) is { } schedule
            ? TypedResults.Ok(await DetailedAsync(schedule, schedules, clock, cancellationToken))
            : NotFound(id);

    public static async Task<IResult> CreateAsync(HttpRequest request, TaskSchedules schedules, TaskCreator creator,
        IMartenOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return TaskProblems.Invalid("body", "Not valid JSON: " + e.Message);
        }
        if (body.ValueKind != JsonValueKind.Object)
            return TaskProblems.Invalid("body", "Must be a JSON object with description and cron.");
        foreach (var forbidden in new[] { "type", "scheduledFor" })
        {
            if (body.TryGetProperty(forbidden, out _))
                return TaskProblems.Invalid(forbidden, "A schedule's tasks are IMMEDIATE; cron says when they run.");
        }
        ScheduledTask task;
        try
        {
            task = body.Deserialize<ScheduledTask>(JsonSerializerOptions.Web)!;
        }
        catch (JsonException e)
        {
            return TaskProblems.Invalid(e.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body", "Wrong type: " + e.Message);
        }
        if (String(body, "cron", out var cron) is { } cronProblem)
            return cronProblem;
        if (String(body, "timeZone", out var timeZone) is { } zoneProblem)
            return zoneProblem;
        var (recurrence, refusal) = Recurrence.Parse(cron, timeZone);
        if (refusal is not null)
            return TaskProblems.From(refusal);
        if (String(body, "missed", out var missed) is { } missedProblem)
            return missedProblem;
        missed ??= MissedOccurrences.RunOnce;
        if (missed is not (MissedOccurrences.RunOnce or MissedOccurrences.Skip))
            return TaskProblems.Invalid("missed", "Must be runOnce or skip.");
        if (String(body, "name", out var name) is { } nameProblem)
            return nameProblem;
        if (await creator.CheckAsync(task.ToDraft(), cancellationToken) is { } taskRefusal)
            return TaskProblems.From(taskRefusal);
        name = name?.Trim() is { Length: > 0 } given ? given : Shorten(task.Description.Trim());
        if (name.Length > 200)
            return TaskProblems.Invalid("name", "At most 200 characters.");
        var now = clock.GetUtcNow();
        var schedule = new TaskSchedule(Guid.CreateVersion7(), name, cron!.Trim(), recurrence!.Zone.Id, missed,
            task with { Description = task.Description.Trim() }, false, recurrence.NextAfter(now), 0, 0, null, null,
            now, now);
        await schedules.AddAsync(schedule, outbox, cancellationToken);
        return TypedResults.Created($"/api/schedules/{schedule.Id}", ScheduleView.Of(schedule, now) with { Recent = [] });
    }

    public static async Task<IResult> PauseAsync(
        Guid id, TaskSchedules schedules, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await schedules.PauseAsync(id, clock.GetUtcNow(), cancellationToken))
            return NotFound(id);
        return await GetAsync(id, schedules, clock, cancellationToken);
    }

    public static async Task<IResult> ResumeAsync(Guid id, TaskSchedules schedules, IMartenOutbox outbox,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await schedules.GetAsync(id, cancellationToken) is not { } schedule)
            return NotFound(id);
        var now = clock.GetUtcNow();
        if (schedule.Paused && Recurrence.Parse(schedule.Cron, schedule.TimeZone).Recurrence?.NextAfter(now) is { } next)
            await schedules.ResumeAsync(id, next, now, outbox, cancellationToken);
        return await GetAsync(id, schedules, clock, cancellationToken);
    }

    public static async Task<IResult> DeleteAsync(Guid id, TaskSchedules schedules, CancellationToken cancellationToken) =>
        await schedules.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<ScheduleView> DetailedAsync(
        TaskSchedule schedule, TaskSchedules schedules, TimeProvider clock, CancellationToken cancellationToken) =>
        ScheduleView.Of(schedule, clock.GetUtcNow()) with
        {
            Recent = await schedules.RecentAsync(schedule.Id, RecentRuns, cancellationToken),
        };

    private static IResult? String(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        if (element.ValueKind != JsonValueKind.String)
            return TaskProblems.Invalid(name, "Must be a string.");
        value = element.GetString();
        return null;
    }

    private static string Shorten(string description) =>
        description.Length <= 60 ? description : description[..57].TrimEnd() + "...";

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Schedule not found",
            detail: $"No schedule has id {id}.");
}
