using Bytebot.Tasks.Decisions;
using Cronos;

namespace Bytebot.Tasks.Schedules;

/// <summary>
/// When a schedule's occurrences fall: a cron expression (five fields, or six with seconds first; <c>@daily</c> and
/// the other macros) in an IANA time zone, so <c>0 9 * * MON</c> in Europe/Lisbon stays at 09:00 across DST.
/// </summary>
internal sealed class Recurrence
{
    private readonly CronExpression _expression;

    private Recurrence(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    public static (Recurrence? Recurrence, TaskRefusal? Refusal) Parse(string? cron, string? timeZone)
    {
        var text = cron?.Trim() ?? "";
        if (text.Length is 0 or > 200)
            return (null, new TaskRefusal("cron", "A cron expression is required (at most 200 characters)."));
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            return (null, new TaskRefusal("cron",
                $"Not a cron expression ({e.Message}): five fields (minute hour day month weekday), six with seconds first, or @daily."));
        }
        TimeZoneInfo zone;
        try
        {
            zone = timeZone is null or "" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (null, new TaskRefusal("timeZone", $"'{timeZone}' is not a time zone this host knows (an IANA name such as Europe/Lisbon)."));
        }
        var recurrence = new Recurrence(expression, zone);
        return recurrence.NextAfter(DateTimeOffset.UtcNow) is null
            ? (null, new TaskRefusal("cron", "The expression never occurs."))
            : (recurrence, null);
    }

    /// <summary>The first occurrence strictly after <paramref name="at"/>, in UTC.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset at) =>
        _expression.GetNextOccurrence(at.ToUniversalTime(), Zone)?.ToUniversalTime();

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="at"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset at, int count)
    {
        var list = new List<DateTimeOffset>(count);
        for (var next = NextAfter(at); next is { } occurrence && list.Count < count; next = NextAfter(occurrence))
            list.Add(occurrence);
        return list;
    }
}
