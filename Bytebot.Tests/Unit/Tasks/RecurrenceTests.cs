using Bytebot.Tasks.Schedules;

namespace Bytebot.Tests.Unit.Tasks;

public sealed class RecurrenceTests
{
    [Fact]
    public void Nine_on_Mondays_in_Lisbon_stays_at_nine_local_across_the_summer_time_change()
    {
        var (recurrence, refusal) = Recurrence.Parse("0 9 * * MON", "Europe/Lisbon");
        refusal.ShouldBeNull();

        // 2027-03-28 is the last Sunday of March: Lisbon goes from UTC+0 to UTC+1.
        var next = recurrence!.Next(new DateTimeOffset(2027, 3, 20, 0, 0, 0, TimeSpan.Zero), 2);

        next.ShouldBe([new DateTimeOffset(2027, 3, 22, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero)]);
    }

    [Fact]
    public void Six_fields_have_seconds_first_and_the_next_occurrence_is_strictly_after()
    {
        var (recurrence, _) = Recurrence.Parse("*/5 * * * * *", null);
        var at = new DateTimeOffset(2027, 1, 1, 12, 0, 10, TimeSpan.Zero);

        recurrence!.Zone.ShouldBe(TimeZoneInfo.Utc);
        recurrence.NextAfter(at).ShouldBe(at.AddSeconds(5));
        recurrence.Next(at, 3).ShouldBe([at.AddSeconds(5), at.AddSeconds(10), at.AddSeconds(15)]);
    }

    [Theory]
    [InlineData("", "UTC", "cron")]
    [InlineData("61 * * * *", "UTC", "cron")]
    [InlineData("* * *", "UTC", "cron")]
    [InlineData("0 0 30 2 *", "UTC", "cron")]
    [InlineData("0 9 * * MON", "Mars/Olympus_Mons", "timeZone")]
    public void A_bad_expression_or_zone_is_refused_naming_its_field(string cron, string zone, string field)
    {
        var (recurrence, refusal) = Recurrence.Parse(cron, zone);

        recurrence.ShouldBeNull();
        refusal!.Field.ShouldBe(field);
    }
}
