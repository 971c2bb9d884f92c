using System.Text.Json;
using Bytebot.Agent.Loop;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tests.Unit.Agent;

public sealed class GuardsTests
{
    private static ToolUseContent Click(int x, string id) =>
        new(id, "computer_click_mouse", JsonSerializer.SerializeToElement(new { button = "left", coordinates = new { x, y = 5 } }));

    private static TaskMessage Answer(params ToolUseContent[] calls) => new(Guid.NewGuid(), TaskRole.Assistant, calls, DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_same_call_with_its_arguments_in_another_order_counts_as_a_repeat()
    {
        var same = new ToolUseContent("x", "computer_click_mouse", JsonDocument.Parse("""{"coordinates":{"y":5,"x":1},"button":"left"}""").RootElement);
        var history = new[] { Answer(Click(1, "a")), Answer(Click(1, "b")), Answer(Click(1, "c")), Answer(Click(1, "d")) };

        Guards.RepeatedCall(history, [same], threshold: 5).ShouldNotBeNull().ShouldContain("5 times");
        Guards.RepeatedCall(history[1..], [same], threshold: 5).ShouldBeNull();
    }

    [Fact]
    public void A_different_call_in_between_resets_the_count()
    {
        var history = new[] { Answer(Click(1, "a")), Answer(Click(1, "b")), Answer(Click(2, "c")), Answer(Click(1, "d")) };

        Guards.RepeatedCall(history, [Click(1, "e")], threshold: 3).ShouldBeNull();
    }

    [Fact]
    public void Answers_without_tools_are_counted_from_the_newest()
    {
        var text = new TaskMessage(Guid.NewGuid(), TaskRole.Assistant, [new TextContent("thinking")], DateTimeOffset.UnixEpoch);

        Guards.TurnsWithoutTools([Answer(Click(1, "a")), text, text]).ShouldBe(2);
        Guards.TurnsWithoutTools([text, Answer(Click(1, "a"))]).ShouldBe(0);
    }
}
