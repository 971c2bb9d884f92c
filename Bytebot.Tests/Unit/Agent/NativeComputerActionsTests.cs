using System.Text.Json;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Tools;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tests.Unit.Agent;

/// <summary>ADR 0053: each native action is calls of the Computer plugin's functions, with their own field names.</summary>
public sealed class NativeComputerActionsTests
{
    public static TheoryData<string> AnthropicActions => new()
    {
        """{"action":"screenshot"}""",
        """{"action":"left_click","coordinate":[10,20],"text":"shift"}""",
        """{"action":"right_click","coordinate":[10,20]}""",
        """{"action":"middle_click"}""",
        """{"action":"double_click","coordinate":[10,20]}""",
        """{"action":"triple_click","coordinate":[10,20],"text":"ctrl+shift"}""",
        """{"action":"mouse_move","coordinate":[10,20]}""",
        """{"action":"left_click_drag","start_coordinate":[1,2],"coordinate":[30,40]}""",
        """{"action":"left_mouse_down","coordinate":[10,20]}""",
        """{"action":"left_mouse_up"}""",
        """{"action":"scroll","coordinate":[10,20],"scroll_direction":"down","scroll_amount":5,"text":"ctrl"}""",
        """{"action":"type","text":"hello"}""",
        """{"action":"key","text":"ctrl+s"}""",
        """{"action":"hold_key","text":"shift","duration":1.5}""",
        """{"action":"wait","duration":2}""",
        """{"action":"cursor_position"}""",
        """{"action":"zoom","region":[0,0,512,384]}""",
    };

    public static TheoryData<string> OpenAIActions => new()
    {
        """{"type":"click","x":1,"y":2,"button":"wheel","keys":["SHIFT"]}""",
        """{"type":"double_click","x":1,"y":2}""",
        """{"type":"drag","path":[{"x":1,"y":2},{"x":3,"y":4}]}""",
        """{"type":"keypress","keys":["CTRL","A"]}""",
        """{"type":"move","x":1,"y":2}""",
        """{"type":"screenshot"}""",
        """{"type":"scroll","x":1,"y":2,"scroll_x":-300,"scroll_y":300}""",
        """{"type":"type","text":"hi"}""",
        """{"type":"wait"}""",
    };

    [Theory]
    [MemberData(nameof(AnthropicActions))]
    public void Every_computer_20251124_action_is_calls_the_plugin_binds(string action) =>
        Binds(AnthropicComputerActions.Map(Json(action)));

    [Theory]
    [MemberData(nameof(OpenAIActions))]
    public void Every_GA_computer_action_is_calls_the_plugin_binds(string action) =>
        Binds(OpenAIComputerActions.Map(Json(action)));

    [Fact]
    public void Xdotool_keys_modifiers_and_seconds_become_the_plugins_fields()
    {
        var click = AnthropicComputerActions.Map(Json("""{"action":"triple_click","coordinate":[10,20],"text":"ctrl+shift"}""")).Single();
        click.Arguments.ToJsonString().ShouldBe("""{"button":"left","clickCount":3,"coordinates":{"x":10,"y":20},"holdKeys":["ctrl","shift"]}""");
        AnthropicComputerActions.Map(Json("""{"action":"key","text":"ctrl+a Delete"}"""))
            .Select(c => c.Arguments.ToJsonString()).ShouldBe(["""{"keys":["ctrl","a"],"chord":true}""", """{"keys":["Delete"],"chord":false}"""]);
        var hold = AnthropicComputerActions.Map(Json("""{"action":"hold_key","text":"shift","duration":1.5}""")).ToList();
        hold.Select(c => (c.Function, c.Always)).ShouldBe([("computer_press_keys", false), ("computer_wait", false), ("computer_press_keys", true)]);
        hold[1].Arguments["duration"]!.GetValue<int>().ShouldBe(1500);
        Should.Throw<FormatException>(() => AnthropicComputerActions.Map(Json("""{"action":"fly"}"""))).Message.ShouldContain("fly");
        Should.Throw<FormatException>(() => AnthropicComputerActions.Map(Json("""{"action":"mouse_move","coordinate":[1]}""")))
            .Message.ShouldStartWith("coordinate:");
    }

    [Fact]
    public void OpenAI_keys_pixels_and_buttons_become_the_plugins_fields()
    {
        OpenAIComputerActions.Map(Json("""{"type":"keypress","keys":["CTRL","A"]}""")).Single().Arguments.ToJsonString()
            .ShouldBe("""{"keys":["CTRL","a"],"chord":true}""");
        OpenAIComputerActions.Map(Json("""{"type":"scroll","x":1,"y":2,"scroll_x":-300,"scroll_y":300}"""))
            .Select(c => (c.Arguments["direction"]!.GetValue<string>(), c.Arguments["scrollCount"]!.GetValue<int>()))
            .ShouldBe([("down", 3), ("left", 3)]);
        Should.Throw<FormatException>(() => OpenAIComputerActions.Map(Json("""{"type":"click","x":1,"y":2,"button":"back"}""")))
            .Message.ShouldContain("back");
    }

    [Fact]
    public async Task A_batch_stops_at_its_first_failing_action_and_reports_which_with_the_last_screen()
    {
        List<string> ran = [];
        var call = Call("""{"type":"computer_call","call_id":"c1","actions":[{"type":"move","x":1,"y":2},{"type":"type","text":"x"},{"type":"wait"}],"pending_safety_checks":[]}""");

        var outcome = await NativeComputerCalls.RunAsync(call, (step, _) =>
        {
            ran.Add(step.Name);
            return Task.FromResult(step.Name == "computer_type_text" ? ToolRunner.Error(step, "the keyboard is gone") : Screen(step));
        }, TestContext.Current.CancellationToken);

        ran.ShouldBe(["computer_move_mouse", "computer_type_text"]);
        outcome.Result.IsError.ShouldBe(true);
        outcome.Result.ToolUseId.ShouldBe("c1");
        outcome.Result.Content.OfType<TextContent>().Single().Text
            .ShouldBe("ERROR: Action 2 of 3 (type) failed: the keyboard is gone. Actions 3 to 3 were not run.");
        outcome.Result.Content.OfType<ImageContent>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Pending_safety_checks_are_not_acknowledged_the_batch_is_refused_and_the_model_told()
    {
        List<string> ran = [];
        var call = Call("""{"type":"computer_call","call_id":"c1","actions":[{"type":"click","x":1,"y":2}],"pending_safety_checks":[{"id":"sc_1","code":"malicious_instructions","message":"The page asks for your password."}]}""");

        var outcome = await NativeComputerCalls.RunAsync(call, (step, _) =>
        {
            ran.Add(step.Name);
            return Task.FromResult(Screen(step));
        }, TestContext.Current.CancellationToken);

        ran.ShouldBe(["computer_screenshot"]);
        outcome.Result.IsError.ShouldBe(true);
        outcome.Result.Content.OfType<TextContent>().Single().Text.ShouldContain("malicious_instructions: The page asks for your password.");
    }

    private static void Binds(IReadOnlyList<PluginCall> calls)
    {
        calls.ShouldNotBeEmpty();
        foreach (var call in calls)
        {
            var function = ToolKernel.Computer.Single(f => f.Name == call.Function);
            var parameters = function.Metadata.Parameters.Select(p => p.Name).ToList();
            call.Arguments.Select(a => a.Key).ShouldBeSubsetOf(parameters, call.Function);
            function.Metadata.Parameters.Where(p => p.IsRequired).Select(p => p.Name)
                .ShouldBeSubsetOf(call.Arguments.Select(a => a.Key), call.Function);
        }
    }

    private static ToolOutcome Screen(ToolUseContent step) => new(new ToolResultContent(step.Id,
        [new TextContent("Tool executed successfully"), new ImageContent(MediaSource.FromBlob(new BlobReference("ab", 1, "image/png")))]));

    private static ToolUseContent Call(string input) => new("c1", NativeComputer.Name, Json(input));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
