using Bytebot.Agent.Conversation;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// Issue 14, acceptance 3 at the providers (ADR 0053): a model configured with <c>ComputerTool=native</c> is offered
/// its provider's own computer tool at the screenshots' size beside the functions it does not cover, and its calls and
/// their results travel in that API's shapes through the official SDKs.
/// </summary>
public sealed class NativeComputerToolTests() : ProviderTest(TimeProvider.System)
{
    private const string ClaudeNative = "claude-native";
    private const string GptNative = "gpt-native";

    private static readonly ComputerDisplay Display = new(1024, 768);
    private static readonly int[] TopLeftQuarter = [0, 0, 512, 384];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Anthropic_gets_computer_20251124_with_zoom_at_the_screenshot_size_and_the_beta_header(
        bool streamed)
    {
        using var catalog = NativeCatalog(streamed);
        var model = catalog.Resolve(ClaudeNative)!;
        model.ComputerTool.ShouldBe(ComputerToolKind.Native);
        Server.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer", new { action = "zoom", region = TopLeftQuarter }),
            ScriptedReplies.AnthropicText("Done."));
        var first = ProviderScenario.FirstStep() with { Tools = NativeComputer.FunctionsFor(model), Computer = Display };

        var turn = await catalog.Provider(model).CompleteAsync(first, TestContext.Current.CancellationToken);
        await catalog.Provider(model)
            .CompleteAsync(ProviderScenario.NextStep(first, turn), TestContext.Current.CancellationToken);

        var use = turn.Content.ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>();
        (use.Id, use.Name, use.Input.GetProperty("action").GetString()).ShouldBe(("toolu_1", "computer", "zoom"));
        var sent = Server.Bodies(FakeLlmServer.AnthropicMessages);
        var tools = sent[0].GetProperty("tools").EnumerateArray().ToList();
        var computer = tools[0];
        (computer.GetProperty("type").GetString(), computer.GetProperty("name").GetString())
            .ShouldBe(("computer_20251124", "computer"));
        (computer.GetProperty("display_width_px").GetInt32(), computer.GetProperty("display_height_px").GetInt32())
            .ShouldBe((1024, 768));
        computer.GetProperty("enable_zoom").GetBoolean().ShouldBeTrue();
        var functions = tools.Skip(1).Select(t => t.GetProperty("name").GetString()).ToList();
        functions.ShouldContain("set_task_status");
        functions.ShouldContain("computer_read_file");
        functions.ShouldContain("computer_application");
        functions.ShouldContain("computer_find_text");
        functions.ShouldNotContain("computer_click_mouse");
        functions.ShouldNotContain("computer_zoom");
        functions.ShouldNotContain("computer_screenshot");
        Server.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages)
            .ShouldAllBe(r => r.Headers["anthropic-beta"].Contains(NativeComputer.AnthropicBeta));
        sent.Select(b => b.TryGetProperty("stream", out var s) && s.GetBoolean()).ShouldAllBe(s => s == streamed);
        var result = sent[1].GetProperty("messages")[2].GetProperty("content")[0];
        (result.GetProperty("type").GetString(), result.GetProperty("tool_use_id").GetString())
            .ShouldBe(("tool_result", "toolu_1"));
        result.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString())
            .ShouldBe(["text", "image"]);
    }

    [Fact]
    public async Task A_functions_model_stays_on_the_GA_Messages_API_without_the_beta()
    {
        using var catalog = NativeCatalog(streamed: true);
        Server.Script(FakeLlmServer.AnthropicMessages, ScriptedReplies.AnthropicText("ok"));

        await catalog.Provider(ProviderScenario.Claude)
            .CompleteAsync(ProviderScenario.FirstStep(), TestContext.Current.CancellationToken);

        Server.Requests.Single().Headers.ContainsKey("anthropic-beta").ShouldBeFalse();
        Server.Bodies(FakeLlmServer.AnthropicMessages).Single().GetProperty("tools").EnumerateArray()
            .Count(t => t.TryGetProperty("type", out var type)).ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenAI_gets_the_GA_computer_tool_and_a_batch_goes_back_as_a_computer_call_output(bool streamed)
    {
        using var catalog = NativeCatalog(streamed);
        var model = catalog.Resolve(GptNative)!;
        Server.Script(FakeLlmServer.OpenAIResponses,
            ScriptedReplies.ResponsesComputerCall("call_1",
            [
                new { type = "click", x = 10, y = 20, button = "left" },
                new { type = "type", text = "hi" },
            ]),
            ScriptedReplies.ResponsesText("Done."));
        var first = ProviderScenario.FirstStep() with { Tools = NativeComputer.FunctionsFor(model), Computer = Display };

        var turn = await catalog.Provider(model).CompleteAsync(first, TestContext.Current.CancellationToken);
        var use = turn.Content.ShouldHaveSingleItem().ShouldBeOfType<ToolUseBlock>();
        (use.Id, use.Name).ShouldBe(("call_1", "computer"));
        use.Input.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("type").GetString())
            .ShouldBe(["click", "type"]);
        use.Input.TryGetProperty("action", out _).ShouldBeFalse();
        turn.StopReason.ShouldBe(StopReason.ToolUse);

        var failed = first with
        {
            Messages =
            [
                .. first.Messages,
                new ConversationMessage(MessageRole.Assistant, turn.Content),
                ConversationMessage.User(new ToolResultBlock("call_1",
                    [
                        new TextBlock("ERROR: Action 2 of 2 (type) failed: the desktop is busy."),
                        new ImageBlock(ProviderScenario.Png, "image/png"),
                    ],
                    IsError: true)),
            ],
        };
        await catalog.Provider(model).CompleteAsync(failed, TestContext.Current.CancellationToken);

        var sent = Server.Bodies(FakeLlmServer.OpenAIResponses);
        var tools = sent[0].GetProperty("tools").EnumerateArray().ToList();
        tools.Count(t => t.GetProperty("type").GetString() == "computer").ShouldBe(1);
        var functions = tools.Where(t => t.GetProperty("type").GetString() == "function")
            .Select(t => t.GetProperty("name").GetString()).ToList();
        functions.ShouldContain("computer_zoom");
        functions.ShouldContain("computer_press_keys");
        functions.ShouldNotContain("computer_click_mouse");
        functions.ShouldNotContain("computer_type_text");
        var input = sent[1].GetProperty("input").EnumerateArray().ToList();
        input.Select(i => i.TryGetProperty("type", out var t) ? t.GetString() : "message")
            .ShouldBe(["message", "computer_call", "computer_call_output", "message"]);
        input[1].GetProperty("call_id").GetString().ShouldBe("call_1");
        input[1].GetProperty("actions").GetArrayLength().ShouldBe(2);
        input[1].TryGetProperty("action", out _).ShouldBeFalse();
        var output = input[2];
        output.GetProperty("call_id").GetString().ShouldBe("call_1");
        output.GetProperty("output").GetProperty("type").GetString().ShouldBe("computer_screenshot");
        output.GetProperty("output").GetProperty("image_url").GetString()
            .ShouldBe($"data:image/png;base64,{ProviderScenario.PngBase64}");
        input[3].GetProperty("content")[0].GetProperty("text").GetString()!.ShouldContain("Action 2 of 2 (type) failed");
        sent.Select(b => b.TryGetProperty("stream", out var s) && s.GetBoolean()).ShouldAllBe(s => s == streamed);
    }

    [Fact]
    public void ComputerTool_is_native_or_functions_and_native_only_for_anthropic_and_openai()
    {
        using var fine = NativeCatalog(streamed: true);
        fine.Resolve(ProviderScenario.Claude)!.ComputerTool.ShouldBe(ComputerToolKind.Functions);
        fine.Resolve(GptNative)!.ComputerTool.ShouldBe(ComputerToolKind.Native);
        Should.Throw<InvalidOperationException>(() => ProviderScenario.Catalog(Server, TimeProvider.System,
            new Dictionary<string, string?>
            {
                ["Agent:Models:0:ComputerTool"] = "native",
            }))!.Message.ShouldContain("Agent:Models:0:ComputerTool");
        Should.Throw<InvalidOperationException>(() => ProviderScenario.Catalog(Server, TimeProvider.System,
            new Dictionary<string, string?>
            {
                ["Agent:Models:1:ComputerTool"] = "yes",
            }))!.Message.ShouldContain("must be native or functions");
    }

    private ModelCatalog NativeCatalog(bool streamed) => ProviderScenario.Catalog(Server, TimeProvider.System,
        new Dictionary<string, string?>
    {
        ["Agent:Models:2:Name"] = ClaudeNative,
        ["Agent:Models:2:Provider"] = "anthropic",
        ["Agent:Models:2:Model"] = ProviderScenario.Claude,
        ["Agent:Models:2:ComputerTool"] = "native",
        ["Agent:Models:2:Stream"] = streamed ? "true" : "false",
        ["Agent:Models:3:Name"] = GptNative,
        ["Agent:Models:3:Provider"] = "openai",
        ["Agent:Models:3:Model"] = ProviderScenario.Gpt,
        ["Agent:Models:3:ComputerTool"] = "native",
        ["Agent:Models:3:Stream"] = streamed ? "true" : "false",
    });
}
