using System.Globalization;

namespace Bytebot.Tasks.Usage;

internal enum UsageGrouping
{
    Day,
    Week,
    Model,
}

/// <summary>
/// Whole days <see cref="From"/> to <see cref="To"/> (both included) in <see cref="Zone"/>, cut into periods whose
/// bounds are instants, so a day across a DST change is 23 or 25 hours long.
/// </summary>
internal sealed record UsageQuery(DateOnly From, DateOnly To, UsageGrouping By, TimeZoneInfo Zone)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public DateTimeOffset Start => StartOf(From);

    public DateTimeOffset End => StartOf(To.AddDays(1));

    /// <summary>Each day, or each ISO week (Monday first) cut to the range; labelled with its first day.</summary>
    public IReadOnlyList<(string Label, DateTimeOffset Start, DateTimeOffset End)> Periods()
    {
        var periods = new List<(string, DateTimeOffset, DateTimeOffset)>();
        for (var day = From; day <= To;)
        {
            var next = By == UsageGrouping.Week ? day.AddDays(7 - ((int)day.DayOfWeek + 6) % 7) : day.AddDays(1);
            if (next > To.AddDays(1))
                next = To.AddDays(1);
            periods.Add((day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StartOf(day), StartOf(next)));
            day = next;
        }
        return periods;
    }

    /// <summary>The zone's first instant of <paramref name="day"/> (after the gap if one skips midnight).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (Zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The query, or the field that is wrong and why.</summary>
    public static (UsageQuery? Query, string? Field, string? Error) Parse(
        string? from, string? to, string? by, string? tz, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.Utc;
        if (tz is { Length: > 0 } && !TimeZoneInfo.TryFindSystemTimeZoneById(tz, out zone))
            return (null, "tz", $"'{tz}' is not a time zone; use an IANA id such as Europe/Lisbon (default UTC).");
        var grouping = UsageGrouping.Day;
        if (by is { Length: > 0 })
        {
            // By name only: Enum.TryParse also takes numbers and comma-separated lists.
            var named = Enum.GetValues<UsageGrouping>()
                .Where(g => string.Equals(g.ToString(), by, StringComparison.OrdinalIgnoreCase)).ToList();
            if (named.Count == 0)
                return (null, "by", $"'{by}' is not a grouping; use day, week or model.");
            grouping = named[0];
        }
        DateOnly? first = null, last = null;
        foreach (var (field, value) in new[] { ("from", from), ("to", to) })
        {
            if (value is not { Length: > 0 })
                continue;
            if (!DateOnly.TryParseExact(
                    value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return (null, field, $"'{value}' is not a date; use an ISO date such as 2026-12-04.");
            if (field == "from")
                first = date;
            else
                last = date;
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var end = last ?? today;
        var start = first ?? end.AddDays(1 - DefaultDays);
        if (start > end)
            return (null, "from", $"{start:yyyy-MM-dd} is after to ({end:yyyy-MM-dd}).");
        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
            return (null, "from", $"At most {MaxDays} days from from to to.");
        return (new UsageQuery(start, end, grouping, zone), null, null);
    }
}
