using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

public sealed class ChatCompletionsProviderTests() : ProviderTest(TimeProvider.System)
{
    [Fact]
    public async Task A_tool_call_and_the_final_answer_round_trip_through_Chat_Completions()
    {
        Server.Script(FakeLlmServer.ChatCompletions,
            ScriptedReplies.ChatToolCall("call_7", "computer_click_mouse", """{"button":"left","clickCount":2}"""),
            ScriptedReplies.ChatText("The terminal is open.", inputTokens: 900, cached: 512));
        var provider = Catalog.Provider(ProviderScenario.Qwen);

        var first = ProviderScenario.FirstStep();
        var turn = await provider.CompleteAsync(first, TestContext.Current.CancellationToken);
        var final = await provider.CompleteAsync(ProviderScenario.NextStep(first, turn), TestContext.Current.CancellationToken);

        var use = turn.Content.ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>();
        (use.Id, use.Name, use.Input.GetProperty("clickCount").GetInt32()).ShouldBe(("call_7", "computer_click_mouse", 2));
        final.Content.ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe("The terminal is open.");
        final.Usage.ShouldBe(new TokenUsage(Input: 388, Output: 5, CacheRead: 512, CacheWrite: 0));

        var sent = Server.Bodies(FakeLlmServer.ChatCompletions);
        sent[0].GetProperty("model").GetString().ShouldBe("qwen3-vl");
        sent[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString())
            .ShouldBe(["computer_screenshot", "computer_click_mouse"]);
        var messages = sent[1].GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).ShouldBe(["system", "user", "assistant", "tool", "user"]);
        messages[2].GetProperty("tool_calls")[0].GetProperty("id").GetString().ShouldBe("call_7");
        messages[3].GetProperty("tool_call_id").GetString().ShouldBe("call_7");
        messages[4].GetProperty("content")[0].GetProperty("image_url").GetProperty("url").GetString().ShouldStartWith("data:image/png;base64,");
    }

    [Fact]
    public async Task A_Qwen_style_tool_call_written_as_text_becomes_a_tool_use_block()
    {
        Server.Script(FakeLlmServer.ChatCompletions, ScriptedReplies.ChatText(
            """I will look first.<tool_call>{"name": "computer_screenshot", "arguments": {}}</tool_call>"""));

        var turn = await Catalog.Provider(ProviderScenario.Qwen).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        turn.Content.Count.ShouldBe(2);
        turn.Content[0].ShouldBeOfType<TextBlock>().Text.ShouldBe("I will look first.");
        turn.Content[1].ShouldBeOfType<ToolUseBlock>().Name.ShouldBe("computer_screenshot");
        turn.StopReason.ShouldBe(StopReason.ToolUse);
    }

    [Fact]
    public async Task A_failed_action_goes_back_as_an_error_tool_message_and_a_read_file_as_a_file_part()
    {
        Server.Script(FakeLlmServer.ChatCompletions, ScriptedReplies.ChatText("ok"));

        await Catalog.Provider(ProviderScenario.Qwen).CompleteAsync(ProviderScenario.FailedActionAndFileRead(), TestContext.Current.CancellationToken);

        var messages = Server.Bodies(FakeLlmServer.ChatCompletions).Single().GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).ShouldBe(["system", "user", "assistant", "tool", "tool", "user"]);
        messages[3].GetProperty("content").GetString().ShouldBe("ERROR: Unknown key 'Ctrl'");
        messages[5].GetProperty("content").EnumerateArray().ShouldHaveSingleItem().GetProperty("type").GetString().ShouldBe("file");
    }
}
