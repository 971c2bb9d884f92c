using System.Text.Json;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

public sealed class AnthropicMessagesProviderTests() : ProviderTest(TimeProvider.System)
{
    [Theory]
    [InlineData(ProviderScenario.Claude, true)]
    [InlineData(ProviderScenario.ClaudeUnstreamed, false)]
    public async Task A_tool_call_and_the_final_answer_round_trip_through_the_Messages_API(string model, bool streamed)
    {
        Server.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer_click_mouse", new { button = "left", clickCount = 1, coordinates = new { x = 10, y = 20 } }),
            ScriptedReplies.AnthropicText("The terminal is open."));
        var provider = Catalog.Provider(model);

        var first = ProviderScenario.FirstStep();
        var turn = await provider.CompleteAsync(first, TestContext.Current.CancellationToken);
        var final = await provider.CompleteAsync(ProviderScenario.NextStep(first, turn), TestContext.Current.CancellationToken);

        var use = turn.Content.ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>();
        (use.Id, use.Name, use.Input.GetProperty("coordinates").GetProperty("y").GetInt32()).ShouldBe(("toolu_1", "computer_click_mouse", 20));
        turn.StopReason.ShouldBe(StopReason.ToolUse);
        final.Content.ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe("The terminal is open.");
        final.StopReason.ShouldBe(StopReason.EndTurn);

        var sent = Server.Bodies(FakeLlmServer.AnthropicMessages);
        sent[0].GetProperty("model").GetString().ShouldBe("claude-sonnet-4-20250514");
        sent.Select(body => body.TryGetProperty("stream", out var stream) && stream.GetBoolean()).ShouldAllBe(stream => stream == streamed);
        sent[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["computer_screenshot", "computer_click_mouse"]);
        sent[0].GetProperty("tools")[1].GetProperty("input_schema").GetProperty("required").GetArrayLength().ShouldBe(2);
        var image = sent[0].GetProperty("messages")[0].GetProperty("content")[1];
        (image.GetProperty("type").GetString(), image.GetProperty("source").GetProperty("media_type").GetString(), image.GetProperty("source").GetProperty("data").GetString())
            .ShouldBe(("image", "image/png", ProviderScenario.PngBase64));
        var result = sent[1].GetProperty("messages")[2].GetProperty("content")[0];
        result.GetProperty("tool_use_id").GetString().ShouldBe("toolu_1");
        result.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ShouldBe(["text", "image"]);
        sent[1].GetProperty("messages")[1].GetProperty("content")[0].GetProperty("type").GetString().ShouldBe("tool_use");
        Server.Requests[0].Headers["authorization"].ShouldBe("Bearer sk-ant-test");
    }

    [Fact]
    public async Task Prompt_cache_breakpoints_sit_on_the_system_prompt_the_last_tool_and_the_newest_user_block()
    {
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReplies.AnthropicText("ok"));

        await Catalog.Provider(ProviderScenario.Claude).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        var body = Server.Bodies(FakeLlmServer.AnthropicMessages).Single();
        static bool Cached(JsonElement e) => e.TryGetProperty("cache_control", out var c) && c.GetProperty("type").GetString() == "ephemeral";
        Cached(body.GetProperty("system")[0]).ShouldBeTrue();
        body.GetProperty("tools").EnumerateArray().Select(Cached).ShouldBe([false, true]);
        body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().Select(Cached).ShouldBe([false, true]);
    }

    [Fact]
    public async Task Usage_keeps_cache_reads_and_writes_apart_from_uncached_input()
    {
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReplies.AnthropicText("ok", inputTokens: 12, cacheRead: 3000, cacheWrite: 200));

        var turn = await Catalog.Provider(ProviderScenario.Claude).CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        turn.Usage.ShouldBe(new TokenUsage(Input: 12, Output: 5, CacheRead: 3000, CacheWrite: 200));
        turn.Usage.ContextTokens.ShouldBe(3212);
    }

    [Fact]
    public async Task A_failed_action_goes_back_as_is_error_and_a_read_file_as_a_document_block()
    {
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReplies.AnthropicText("ok"));

        await Catalog.Provider(ProviderScenario.Claude).CompleteAsync(ProviderScenario.FailedActionAndFileRead(), TestContext.Current.CancellationToken);

        var results = Server.Bodies(FakeLlmServer.AnthropicMessages).Single().GetProperty("messages")[2].GetProperty("content");
        results[0].GetProperty("is_error").GetBoolean().ShouldBeTrue();
        results[0].GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("Unknown key 'Ctrl'");
        results[1].GetProperty("is_error").GetBoolean().ShouldBeFalse();
        var document = results[1].GetProperty("content")[0];
        (document.GetProperty("type").GetString(), document.GetProperty("source").GetProperty("media_type").GetString(), document.GetProperty("title").GetString())
            .ShouldBe(("document", "application/pdf", "report.pdf"));
    }
}
