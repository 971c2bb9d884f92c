using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;

namespace Bytebot.Tests.Unit.Tasks;

public sealed class TaskLinksDecisionTests
{
    private static readonly Guid Self = Guid.CreateVersion7();
    private static readonly Guid Known = Guid.CreateVersion7();

    private static (TaskLinks Links, TaskRefusal? Refusal) Decide(TaskDraft draft) =>
        TaskLinks.Decide(draft, Self, new HashSet<Guid> { Known, Self });

    [Fact]
    public void Tags_are_trimmed_lower_cased_deduplicated_and_sorted()
    {
        var (links, refusal) = Decide(new TaskDraft("x", Tags: [" Ops", "billing", "OPS ", "été"]));

        refusal.ShouldBeNull();
        links.Tags.ShouldBe(["billing", "ops", "été"]);
    }

    [Theory]
    [InlineData("two words", "tags[0]")]
    [InlineData("", "tags[0]")]
    [InlineData("-leading", "tags[0]")]
    public void A_bad_tag_is_refused_by_its_index(string tag, string field) =>
        Decide(new TaskDraft("x", Tags: [tag])).Refusal!.Field.ShouldBe(field);

    [Fact]
    public void More_than_32_tags_are_refused() =>
        Decide(new TaskDraft("x", Tags: [.. Enumerable.Range(0, 33).Select(i => $"t{i}")])).Refusal!.Field.ShouldBe("tags");

    [Fact]
    public void A_due_date_is_parsed_as_UTC_and_a_bad_one_names_dueAt()
    {
        Decide(new TaskDraft("x", DueAt: "2026-12-24T18:00:00+01:00")).Links.DueAt
            .ShouldBe(new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero));
        Decide(new TaskDraft("x", DueAt: "next week")).Refusal!.Field.ShouldBe("dueAt");
    }

    [Fact]
    public void Dependencies_must_name_existing_tasks_other_than_itself()
    {
        Decide(new TaskDraft("x", DependsOn: [Known.ToString(), Known.ToString()])).Links.DependsOn.ShouldBe([Known]);
        Decide(new TaskDraft("x", DependsOn: [Known.ToString(), "nope"])).Refusal!.Field.ShouldBe("dependsOn[1]");
        Decide(new TaskDraft("x", DependsOn: [Guid.CreateVersion7().ToString()])).Refusal!.Message.ShouldStartWith("No task has id");
        Decide(new TaskDraft("x", DependsOn: [Self.ToString()])).Refusal!.Message.ShouldBe("A task cannot depend on itself.");
    }

    [Fact]
    public void A_draft_without_links_has_none() => Decide(new TaskDraft("x")).Links.ShouldBe(TaskLinks.None);
}
