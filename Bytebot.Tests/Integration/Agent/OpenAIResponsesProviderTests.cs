using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

public sealed class OpenAIResponsesProviderTests() : ProviderTest(TimeProvider.System)
{
    [Fact]
    public async Task A_function_call_and_the_final_answer_round_trip_through_the_Responses_API()
    {
        Server.Script(FakeLlmServer.OpenAIResponses,
            ScriptedReplies.ResponsesFunctionCall("call_1", "computer_screenshot", "{}"),
            ScriptedReplies.ResponsesText("The terminal is open.", inputTokens: 1500, cached: 1200));
        var provider = Catalog.Provider(ProviderScenario.Gpt);

        var first = ProviderScenario.FirstStep();
        var turn = await provider.CompleteAsync(first, TestContext.Current.CancellationToken);
        var final = await provider.CompleteAsync(ProviderScenario.NextStep(first, turn), TestContext.Current.CancellationToken);

        var use = turn.Content.ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>();
        (use.Id, use.Name).ShouldBe(("call_1", "computer_screenshot"));
        turn.StopReason.ShouldBe(StopReason.ToolUse);
        final.Content.ShouldHaveSingleItem().ShouldBeOfType<TextBlock>().Text.ShouldBe("The terminal is open.");
        final.Usage.ShouldBe(new TokenUsage(Input: 300, Output: 5, CacheRead: 1200, CacheWrite: 0));

        var sent = Server.Bodies(FakeLlmServer.OpenAIResponses);
        sent[0].GetProperty("model").GetString().ShouldBe("gpt-4.1-2025-04-14");
        sent[0].GetProperty("instructions").GetString().ShouldBe("You are Bytebot.");
        sent[0].GetProperty("store").GetBoolean().ShouldBeFalse();
        sent[0].GetProperty("tools").EnumerateArray().Select(t => (t.GetProperty("type").GetString(), t.GetProperty("name").GetString()))
            .ShouldBe([("function", "computer_screenshot"), ("function", "computer_click_mouse")]);
        sent[0].GetProperty("input")[0].GetProperty("content").EnumerateArray().Select(p => p.GetProperty("type").GetString()).ShouldBe(["input_text", "input_image"]);

        var input = sent[1].GetProperty("input").EnumerateArray().ToList();
        input.Select(i => i.TryGetProperty("type", out var t) ? t.GetString() : "message").ShouldBe(["message", "function_call", "function_call_output", "message"]);
        input[1].GetProperty("call_id").GetString().ShouldBe("call_1");
        input[2].GetProperty("call_id").GetString().ShouldBe("call_1");
        input[3].GetProperty("content").EnumerateArray().Count(p => p.GetProperty("type").GetString() == "input_image").ShouldBe(1);
        input[3].GetProperty("content")[0].GetProperty("image_url").GetString().ShouldStartWith("data:image/png;base64,");
        Server.Requests[0].Headers["authorization"].ShouldBe("Bearer sk-openai-test");
    }

    [Fact]
    public async Task A_failed_action_goes_back_as_an_error_output_and_a_read_file_as_an_input_file()
    {
        Server.Script(FakeLlmServer.OpenAIResponses, ScriptedReplies.ResponsesText("ok"));

        await Catalog.Provider(ProviderScenario.Gpt).CompleteAsync(ProviderScenario.FailedActionAndFileRead(), TestContext.Current.CancellationToken);

        var input = Server.Bodies(FakeLlmServer.OpenAIResponses).Single().GetProperty("input").EnumerateArray().ToList();
        var outputs = input.Where(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output").ToList();
        outputs.Select(o => o.GetProperty("call_id").GetString()).ShouldBe(["t1", "t2"]);
        outputs[0].GetProperty("output").GetString().ShouldBe("ERROR: Unknown key 'Ctrl'");
        var file = input[^1].GetProperty("content").EnumerateArray().ShouldHaveSingleItem();
        (file.GetProperty("type").GetString(), file.GetProperty("filename").GetString()).ShouldBe(("input_file", "report.pdf"));
    }
}
