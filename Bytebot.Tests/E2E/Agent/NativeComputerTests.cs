using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// Issue 14, acceptance 3 on the real Xvfb desktop: scripted models using their provider's own computer tool
/// (Anthropic's computer_20251124 with a zoom, OpenAI's GA computer tool with batched actions) complete the hello-file
/// task, every action carried out as a Computer plugin call; a batch stops at its first failing action and says which.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class NativeComputerTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private static readonly int[] TopLeftQuarter = [0, 0, 512, 384];
    private static readonly string[] Enter = ["ENTER"];
    private static readonly string[] NoSuchKey = ["NoSuchKey"];

    private FakeLlmServer Llm => host.Llm;

    [Fact]
    public async Task A_Claude_model_on_computer_20251124_with_a_zoom_writes_hello_txt()
    {
        Llm.Reset();
        var file = HelloFile();
        Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_001", "computer", new { action = "screenshot" }),
            ScriptedReplies.AnthropicToolUse("toolu_002", "computer", new { action = "zoom", region = TopLeftQuarter }),
            ScriptedReplies.AnthropicToolUse("toolu_003", "computer_application", new { application = "terminal" }),
            ScriptedReplies.AnthropicToolUse(
                "toolu_004", "computer", new { action = "type", text = "echo hi > ~/hello.txt" }),
            ScriptedReplies.AnthropicToolUse("toolu_005", "computer", new { action = "key", text = "Return" }),
            ScriptedReplies.AnthropicToolUse(
                "toolu_006", "set_task_status", new { status = "completed", description = "Wrote it." }));
        try
        {
            var id = await host.CreateTaskAsync(
                "open a terminal and create ~/hello.txt containing hi", "anthropic", AgentHost.ClaudeNative);
            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            (await WaitForFileAsync(file)).ShouldBe("hi\n");
            var bodies = Llm.Bodies(FakeLlmServer.AnthropicMessages);
            bodies.Count.ShouldBe(6);
            var computer = bodies[0].GetProperty("tools")[0];
            computer.GetProperty("type").GetString().ShouldBe("computer_20251124");
            computer.GetProperty("enable_zoom").GetBoolean().ShouldBeTrue();
            var (width, height) = (computer.GetProperty("display_width_px").GetInt32(),
                computer.GetProperty("display_height_px").GetInt32());
            width.ShouldBeLessThanOrEqualTo(1024);
            height.ShouldBeLessThanOrEqualTo(768);
            // The zoom's answer is the enlarged region as an image, in the tool_result Anthropic expects.
            var zoomed = Result(bodies[2], "toolu_002");
            zoomed.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString())
                .ShouldBe(["text", "image"]);
            var timeline = await host.TimelineAsync(id);
            timeline.EnumerateArray().Select(s => s.GetProperty("action").GetString()).Where(a => a is not null)
                .ShouldBe(["computer_screenshot", "computer_zoom", "computer_application", "computer_type_text",
                    "computer_type_keys"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_GPT_model_on_the_GA_computer_tool_writes_hello_txt_in_one_batch()
    {
        Llm.Reset();
        var file = HelloFile();
        Llm.Script(FakeLlmServer.OpenAIResponses,
            ScriptedReplies.ResponsesFunctionCall("call_001", "computer_application", """{"application":"terminal"}"""),
            ScriptedReplies.ResponsesComputerCall("call_002",
            [
                new { type = "type", text = "echo hi > ~/hello.txt" },
                new { type = "keypress", keys = Enter },
                new { type = "wait" },
            ]),
            ScriptedReplies.ResponsesFunctionCall(
                "call_003", "set_task_status", """{"status":"completed","description":"Wrote it."}"""));
        try
        {
            var id = await host.CreateTaskAsync(
                "open a terminal and create ~/hello.txt containing hi", "openai", AgentHost.GptNative);
            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            (await WaitForFileAsync(file)).ShouldBe("hi\n");
            var bodies = Llm.Bodies(FakeLlmServer.OpenAIResponses);
            bodies.Count.ShouldBe(3);
            bodies[0].GetProperty("tools").EnumerateArray().Count(t => t.GetProperty("type").GetString() == "computer")
                .ShouldBe(1);
            var output = Item(bodies[2], "computer_call_output");
            output.GetProperty("output").GetProperty("image_url").GetString().ShouldStartWith("data:image/png;base64,");
            // The batch is one step of three actions, recorded one by one (the timeline shows a step's last).
            var timeline = await host.TimelineAsync(id);
            timeline.EnumerateArray().Where(s => s.GetProperty("action").GetString() is not null)
                .Select(s => (s.GetProperty("action").GetString(), s.GetProperty("actions").GetInt32()))
                .ShouldBe([("computer_application", 1), ("computer_wait", 3)], timeline.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_batch_whose_second_action_fails_stops_there_and_says_which()
    {
        Llm.Reset();
        var marker = $"never-{Guid.NewGuid():N}";
        Llm.Script(FakeLlmServer.OpenAIResponses,
            ScriptedReplies.ResponsesComputerCall("call_001",
            [
                new { type = "move", x = 100, y = 100 },
                new { type = "keypress", keys = NoSuchKey },
                new { type = "type", text = marker },
            ]),
            ScriptedReplies.ResponsesFunctionCall(
                "call_002", "set_task_status", """{"status":"completed","description":"Stopped."}"""));

        var id = await host.CreateTaskAsync("press a key that does not exist", "openai", AgentHost.GptNative);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var answer = Llm.Bodies(FakeLlmServer.OpenAIResponses)[1];
        Item(answer, "computer_call_output").GetProperty("output").GetProperty("image_url").GetString()
            .ShouldStartWith("data:image/png;base64,");
        var report = answer.GetProperty("input").EnumerateArray().Last().ToString();
        report.ShouldContain("Action 2 of 3 (keypress) failed");
        report.ShouldContain("NoSuchKey");
        report.ShouldContain("Actions 3 to 3 were not run");
        // One step of two actions, the move and the failed keypress (the timeline shows a step's last); no third.
        var step = (await host.TimelineAsync(id))[0];
        (step.GetProperty("action").GetString(), step.GetProperty("actions").GetInt32())
            .ShouldBe(("computer_type_keys", 2), step.ToString());
        step.GetProperty("actionError").GetString()!.ShouldContain("NoSuchKey");
        (await host.TimelineAsync(id)).ToString().ShouldNotContain(marker);
    }

    private static string HelloFile()
    {
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "hello.txt");
        File.Delete(file);
        return file;
    }

    private static JsonElement Result(JsonElement body, string toolUseId) =>
        body.GetProperty("messages").EnumerateArray()
            .SelectMany(m => m.GetProperty("content").ValueKind == JsonValueKind.Array
                ? m.GetProperty("content").EnumerateArray()
                : [])
            .Single(b => b.GetProperty("type").GetString() == "tool_result"
                && b.GetProperty("tool_use_id").GetString() == toolUseId);

    private static JsonElement Item(JsonElement body, string type) => body.GetProperty("input").EnumerateArray()
        .Single(i => i.TryGetProperty("type", out var t) && t.GetString() == type);

    // The shell writes after the Return key; the task may complete a moment before the file is flushed.
    private static async Task<string> WaitForFileAsync(string path)
    {
        for (var i = 0; i < 50 && !File.Exists(path); i++)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        File.Exists(path).ShouldBeTrue($"{path} was not written");
        return await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
    }
}
