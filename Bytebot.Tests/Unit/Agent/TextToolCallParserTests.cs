using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Integration.Agent;

namespace Bytebot.Tests.Unit.Agent;

public sealed class TextToolCallParserTests
{
    [Fact]
    public void Several_tagged_calls_become_tool_use_blocks_in_order_with_the_prose_kept()
    {
        var blocks = TextToolCallParser.Parse(
            """
            Clicking twice.
            <tool_call>{"name": "computer_click_mouse", "arguments": {"button": "left", "clickCount": 1}}</tool_call>
            <tool_call>{"name": "computer_screenshot", "arguments": "{}"}</tool_call>
            """,
            ProviderScenario.Tools);

        blocks.Select(b => b.GetType().Name).ShouldBe(["TextBlock", "ToolUseBlock", "ToolUseBlock"]);
        ((TextBlock)blocks[0]).Text.ShouldBe("Clicking twice.");
        ((ToolUseBlock)blocks[1]).Input.GetProperty("button").GetString().ShouldBe("left");
        ((ToolUseBlock)blocks[2]).Name.ShouldBe("computer_screenshot");
        ((ToolUseBlock)blocks[1]).Id.ShouldNotBe(((ToolUseBlock)blocks[2]).Id);
    }

    [Theory]
    [InlineData("""{"name": "computer_screenshot", "arguments": {}}""")]
    [InlineData("```json\n{\"name\": \"computer_screenshot\", \"parameters\": {}}\n```")]
    public void A_bare_JSON_object_naming_a_tool_is_a_call(string text)
    {
        TextToolCallParser.Parse(text, ProviderScenario.Tools).ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>().Name.ShouldBe("computer_screenshot");
    }

    [Theory]
    [InlineData("""{"name": "rm_rf", "arguments": {}}""")]
    [InlineData("""<tool_call>{"name": "computer_screenshot", </tool_call>""")]
    [InlineData("The file contains {\"name\": \"computer_screenshot\"} as an example.")]
    public void Unknown_tools_broken_JSON_and_prose_stay_text(string text)
    {
        TextToolCallParser.Parse(text, ProviderScenario.Tools).ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe(text);
    }
}
