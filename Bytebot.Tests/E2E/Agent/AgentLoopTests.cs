using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// Issue 5's acceptance on a real Xvfb + XFCE desktop with the real loop: the official SDK clients talk to loopback fakes
/// speaking each provider's wire protocol, scripted per test.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class AgentLoopTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private FakeLlmServer Llm => host.Llm;

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    [InlineData("openai-compatible")]
    [InlineData("anthropic" + AgentHost.Unstreamed)]
    [InlineData("openai" + AgentHost.Unstreamed)]
    [InlineData("openai-compatible" + AgentHost.Unstreamed)]
    [InlineData(AgentScripts.TextToolCalls)]
    public async Task Open_a_terminal_and_create_hello_txt_runs_through_to_COMPLETED_with_the_file_written(string provider)
    {
        Llm.Reset();
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "hello.txt");
        File.Delete(file);
        var (path, providerName, model) = AgentScripts.For(provider);
        Llm.Script(path, AgentScripts.Replies(provider,
            new ScriptedCall("computer_screenshot", new { }),
            new ScriptedCall("computer_application", new { application = "terminal" }),
            new ScriptedCall("computer_type_text", new { text = "echo hi > ~/hello.txt\n" }),
            AgentScripts.Complete("Created ~/hello.txt containing hi.")));
        try
        {
            var id = await host.CreateTaskAsync("open a terminal and create ~/hello.txt containing hi", providerName, model);

            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            (await WaitForFileAsync(file)).ShouldBe("hi\n");
            var bodies = Llm.Bodies(path);
            bodies.Count.ShouldBe(4);
            var streamed = !provider.EndsWith(AgentHost.Unstreamed, StringComparison.Ordinal);
            bodies.Select(b => b.TryGetProperty("stream", out var stream) && stream.GetBoolean()).ShouldAllBe(s => s == streamed);
            // The answer to the screenshot call carries the image to the model, in each provider's own shape.
            bodies[1].ToString().ShouldContain(provider.StartsWith("anthropic", StringComparison.Ordinal) ? "\"type\":\"image\"" : "data:image/png;base64,");
            var timeline = await host.TimelineAsync(id);
            timeline.EnumerateArray().Select(s => s.GetProperty("action").GetString()).Where(a => a is not null)
                .ShouldBe(["computer_screenshot", "computer_application", "computer_type_text"]);
            timeline.EnumerateArray().Where(s => s.GetProperty("action").GetString() is not null)
                .ShouldAllBe(s => s.GetProperty("screenshot").ValueKind == JsonValueKind.Object);
            var totals = task.GetProperty("totals");
            totals.GetProperty("inputTokens").GetInt64().ShouldBeGreaterThan(0);
            totals.GetProperty("steps").GetInt32().ShouldBe(4);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sensitive_text_is_typed_but_never_stored_in_any_event()
    {
        Llm.Reset();
        var secret = $"hunter2-{Guid.NewGuid():N}";
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), $"bytebot-secret-{Guid.NewGuid():N}.txt");
        Llm.Script(FakeLlmServer.AnthropicMessages, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_application", new { application = "terminal" }),
            new ScriptedCall("computer_type_text", new { text = $"echo {secret} > {file}\n", isSensitive = true }),
            AgentScripts.Complete()));
        try
        {
            var id = await host.CreateTaskAsync("type a password", "anthropic", AgentHost.Claude);
            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            (await WaitForFileAsync(file)).ShouldBe(secret + "\n");
            var leaks = await TasksHost.ScalarAsync<long>(host.ConnectionString,
                "select count(*) from mt_events where data::text like '%' || $1 || '%'", secret);
            leaks.ShouldBe(0);
            Llm.Bodies(FakeLlmServer.AnthropicMessages)[2].ToString().ShouldNotContain(secret);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    [InlineData("openai-compatible")]
    public async Task A_file_read_with_computer_read_file_reaches_the_model_as_a_document(string provider)
    {
        Llm.Reset();
        var name = $"bytebot-read-{Guid.NewGuid():N}.txt";
        var file = Path.Combine(host.Factory.WorkspaceRoot, "Desktop", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        const string Content = "quarterly total: 4,211.07 EUR";
        await File.WriteAllTextAsync(file, Content, TestContext.Current.CancellationToken);
        var (path, providerName, model) = AgentScripts.For(provider);
        Llm.Script(path, AgentScripts.Replies(provider, new ScriptedCall("computer_read_file", new { path = name }), AgentScripts.Complete()));
        try
        {
            var id = await host.CreateTaskAsync($"read {name}", providerName, model);
            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            var answer = Llm.Bodies(path)[1].ToString();
            // Anthropic gets a text document; the OpenAI APIs a file part with the bytes in base64 (Bytebot dropped it there).
            (answer.Contains(Content, StringComparison.Ordinal) || answer.Contains(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Content)), StringComparison.Ordinal))
                .ShouldBeTrue(answer);
            answer.ShouldContain(provider == "anthropic" ? "\"type\":\"document\"" : name);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_and_the_task_completes()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReply.Error(429, retryAfter: "1"),
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse("toolu_2", "set_task_status", new { status = "completed", description = "ok" }));

        var id = await host.CreateTaskAsync("take a screenshot", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var requests = Llm.Requests.Where(r => r.Path == FakeLlmServer.AnthropicMessages).ToList();
        requests.Count.ShouldBe(3);
        // The base delay is 50 ms: only the server's Retry-After explains a second's wait.
        (requests[1].ReceivedAt - requests[0].ReceivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task Server_errors_beyond_the_retry_budget_hand_the_task_to_the_fallback_model_which_finishes_it()
    {
        Llm.Reset();
        // MaxAttempts 2 = three calls to the primary, all failing.
        Llm.Script(FakeLlmServer.AnthropicMessages, ScriptedReply.Error(500), ScriptedReply.Error(529), ScriptedReply.Error(500));
        Llm.Script(FakeLlmServer.OpenAIResponses,
            ScriptedReplies.ResponsesFunctionCall("call_1", "computer_screenshot", "{}"),
            ScriptedReplies.ResponsesFunctionCall("call_2", "set_task_status", """{"status":"completed","description":"done by the fallback"}"""));

        var id = await host.CreateTaskAsync("take a screenshot", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(3);
        Llm.Bodies(FakeLlmServer.OpenAIResponses).Count.ShouldBe(2);
        var models = (await host.TimelineAsync(id)).EnumerateArray().Select(s => s.GetProperty("model").GetString()).OfType<string>().Distinct();
        models.ShouldBe([AgentHost.Gpt]);
    }

    [Fact]
    public async Task A_prompt_that_outgrew_the_context_window_is_summarised_without_images_and_the_task_goes_on()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer_screenshot", new { }),
            new ScriptedReply(400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210412 tokens > 200000 maximum"}}"""),
            ScriptedReplies.AnthropicText("SUMMARY: took a screenshot of the desktop."),
            ScriptedReplies.AnthropicToolUse("toolu_2", "set_task_status", new { status = "completed", description = "ok" }));

        var id = await host.CreateTaskAsync("look", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var bodies = Llm.Bodies(FakeLlmServer.AnthropicMessages);
        bodies.Count.ShouldBe(4);
        AnthropicRules.CountImages(bodies[1]).ShouldBe(1);
        AnthropicRules.CountImages(bodies[2]).ShouldBe(0);
        bodies[2].ToString().ShouldContain("Respond with a summary");
        bodies[3].GetProperty("messages")[0].ToString().ShouldContain("SUMMARY: took a screenshot of the desktop.");
    }

    [Fact]
    public async Task A_401_fails_the_task_at_once_with_a_clear_error_and_no_retry()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages, ScriptedReply.Error(401));

        var id = await host.CreateTaskAsync("take a screenshot", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED");

        task.GetProperty("status").GetString().ShouldBe("FAILED");
        task.GetProperty("error").GetString()!.ShouldContain("401");
        task.GetProperty("error").GetString()!.ShouldContain("key");
        Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(1);
        Llm.Bodies(FakeLlmServer.OpenAIResponses).Count.ShouldBe(0);
    }

    [Fact]
    public async Task At_step_30_the_request_holds_at_most_three_images_and_scaled_coordinates_land_on_the_right_pixels()
    {
        Llm.Reset();
        // Claude gets 1024x768 screenshots of the 1280x960 screen: each point is moved to, then read back in model pixels.
        var points = Enumerable.Range(1, 30).Select(i => (X: (i * 97) % 1024, Y: (i * 61) % 768)).ToList();
        points[^1] = (1023, 767);
        Llm.Script(FakeLlmServer.AnthropicMessages, [.. points.Select((p, i) => ScriptedReplies.AnthropicToolUses(
            ($"toolu_move_{i}", "computer_move_mouse", new { coordinates = new { x = p.X, y = p.Y } }),
            ($"toolu_where_{i}", "computer_cursor_position", new { })))]);
        Llm.Script(FakeLlmServer.AnthropicMessages, ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status", new { status = "completed", description = "ok" }));

        var id = await host.CreateTaskAsync("move around", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var bodies = Llm.Bodies(FakeLlmServer.AnthropicMessages);
        bodies.Count.ShouldBe(31);
        bodies.ShouldAllBe(b => AnthropicRules.CountImages(b) <= 3);
        AnthropicRules.CountImages(bodies[30]).ShouldBe(3);
        for (var i = 0; i < points.Count; i++)
            ResultText(bodies[i + 1], $"toolu_where_{i}").ShouldBe($"Cursor position: {points[i].X}, {points[i].Y}");
        // The last point, (1023, 767) on the screenshot, is the screen's last pixel.
        (await host.CursorAsync()).ShouldBe((1279, 959));
    }

    [Fact]
    public async Task Loop_detection_stops_a_model_repeating_one_action_with_NEEDS_HELP_and_the_reason()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages, [.. Enumerable.Range(0, 10).Select(i =>
            ScriptedReplies.AnthropicToolUse($"toolu_{i}", "computer_click_mouse", new { coordinates = new { x = 5, y = 5 }, button = "left", clickCount = 1 }))]);

        var id = await host.CreateTaskAsync("click forever", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "NEEDS_HELP", "FAILED", "COMPLETED");

        task.GetProperty("status").GetString().ShouldBe("NEEDS_HELP");
        var clicks = (await host.TimelineAsync(id)).EnumerateArray().Count(s => s.GetProperty("action").GetString() == "computer_click_mouse");
        clicks.ShouldBe(4);
        task.GetProperty("error").GetString()!.ShouldContain("repeated the same action 5 times");
        await host.Client.PostAsync($"/api/tasks/{id}/cancel", null, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_step_budget_stops_a_runaway_model_with_FAILED_and_the_limit_named()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages, [.. Enumerable.Range(0, AgentHost.MaxSteps + 5).Select(i =>
            ScriptedReplies.AnthropicToolUse($"toolu_{i}", "computer_move_mouse", new { coordinates = new { x = 10 + i, y = 10 } }))]);

        var id = await host.CreateTaskAsync("wander", "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, Generous, "FAILED", "NEEDS_HELP", "COMPLETED");

        task.GetProperty("status").GetString().ShouldBe("FAILED");
        task.GetProperty("error").GetString()!.ShouldContain("step limit");
        Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(AgentHost.MaxSteps);
    }

    [Fact]
    public async Task Takeover_stops_the_agent_before_its_next_action_resume_continues_and_cancel_stops_only_its_own_task()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages, [.. Enumerable.Range(0, 150).Select(i =>
            ScriptedReplies.AnthropicToolUse($"toolu_{i}", "computer_move_mouse", new { coordinates = new { x = 20 + (i * 7 % 900), y = 20 + (i % 5) } })
                with { Delay = TimeSpan.FromMilliseconds(60) })]);
        var a = await host.CreateTaskAsync("keep moving", "anthropic", AgentHost.Claude);
        await TasksHost.WaitUntilAsync(async () => await ActionsAsync(a) >= 3, Generous);

        using (var takeover = await host.Client.PostAsync($"/api/tasks/{a}/takeover", null, TestContext.Current.CancellationToken))
            takeover.EnsureSuccessStatusCode();
        var atAck = await host.CursorAsync();
        var actionsAtAck = await ActionsAsync(a);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            (await host.CursorAsync()).ShouldBe(atAck, $"the pointer moved {i * 50} ms after the takeover was acknowledged");
        }
        (await ActionsAsync(a)).ShouldBe(actionsAtAck);
        var held = await host.GetTaskAsync(a);
        (held.GetProperty("status").GetString(), held.GetProperty("control").GetString()).ShouldBe(("RUNNING", "USER"));

        var requestsBeforeResume = Llm.Bodies(FakeLlmServer.AnthropicMessages).Count;
        using (var resume = await host.Client.PostAsync($"/api/tasks/{a}/resume", null, TestContext.Current.CancellationToken))
            resume.EnsureSuccessStatusCode();
        await TasksHost.WaitUntilAsync(async () => await host.CursorAsync() != atAck, Generous);
        var resumed = Llm.Bodies(FakeLlmServer.AnthropicMessages)[requestsBeforeResume];
        resumed.ToString().ShouldContain("The user handed control back");

        // Task B runs on another provider while A is cancelled; B is untouched and finishes.
        Llm.Script(FakeLlmServer.ChatCompletions,
            ScriptedReplies.ChatToolCall("call_b1", "computer_screenshot", "{}") with { Delay = TimeSpan.FromSeconds(1) },
            ScriptedReplies.ChatToolCall("call_b2", "set_task_status", """{"status":"completed","description":"B done"}"""));
        var b = await host.CreateTaskAsync("task B", "openai-compatible", AgentHost.Qwen);
        await host.WaitForStatusAsync(b, Generous, "RUNNING");
        using (var cancel = await host.Client.PostAsync($"/api/tasks/{a}/cancel", null, TestContext.Current.CancellationToken))
            cancel.EnsureSuccessStatusCode();

        (await host.WaitForStatusAsync(b, Generous, "COMPLETED", "FAILED", "CANCELLED")).GetProperty("status").GetString().ShouldBe("COMPLETED");
        (await host.GetTaskAsync(a)).GetProperty("status").GetString().ShouldBe("CANCELLED");
        var afterCancel = Llm.Bodies(FakeLlmServer.AnthropicMessages).Count;
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(afterCancel);
    }

    [Fact]
    public async Task A_user_message_sent_while_an_action_runs_reaches_the_model_next_step_summaries_fire_on_cached_tokens_and_cost_adds_up()
    {
        Llm.Reset();
        Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_wait", "computer_wait", new { duration = 500 }),
            // 160k cached tokens of a 200k window: Bytebot's input_tokens-only count (10) would never summarise.
            ScriptedReplies.AnthropicToolUse("toolu_move", "computer_move_mouse", new { coordinates = new { x = 50, y = 60 } }, inputTokens: 10, cacheRead: 160_000),
            ScriptedReplies.AnthropicText("SUMMARY: waited, then moved the mouse."),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status", new { status = "completed", description = "ok" }));

        var id = await host.CreateTaskAsync("wait and move", "anthropic", AgentHost.Claude);
        await TasksHost.WaitUntilAsync(async () => (await MessagesAsync(id)).GetArrayLength() >= 2, Generous);
        using (var sent = await host.Client.PostAsJsonAsync($"/api/tasks/{id}/messages", new { message = "Also note the time." }, TestContext.Current.CancellationToken))
            sent.EnsureSuccessStatusCode();
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        var bodies = Llm.Bodies(FakeLlmServer.AnthropicMessages);
        bodies.Count.ShouldBe(4);
        bodies[1].ToString().ShouldContain("Also note the time.");
        bodies[2].ToString().ShouldContain("Respond with a summary");
        var afterSummary = bodies[3].GetProperty("messages");
        afterSummary[0].ToString().ShouldContain("SUMMARY: waited, then moved the mouse.");
        // The summarised exchange is gone; the answer after it (the move and its result) stays, correctly paired.
        bodies[3].ToString().ShouldNotContain("toolu_wait");
        bodies[3].ToString().ShouldNotContain("Also note the time.");
        bodies[3].ToString().ShouldContain("toolu_move");
        // claude-sonnet-4 at $3 / $15 / $0.30 (cache read) per million: 40 input, 20 output, 160,000 cached tokens.
        var totals = task.GetProperty("totals");
        totals.GetProperty("cacheReadTokens").GetInt64().ShouldBe(160_000);
        totals.GetProperty("inputTokens").GetInt64().ShouldBe(40);
        totals.GetProperty("outputTokens").GetInt64().ShouldBe(20);
        totals.GetProperty("cost").GetDecimal().ShouldBe(0.04842m);
        var steps = (await host.TimelineAsync(id)).EnumerateArray().ToList();
        steps.ShouldContain(s => s.GetProperty("action").GetString() == "computer_move_mouse" && s.GetProperty("settleMs").ValueKind == JsonValueKind.Number);
        steps.ShouldAllBe(s => s.GetProperty("modelMs").ValueKind == JsonValueKind.Number);
    }

    private async Task<JsonElement> MessagesAsync(Guid id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages?limit=100", TestContext.Current.CancellationToken);

    private async Task<int> ActionsAsync(Guid id) =>
        (await host.TimelineAsync(id)).EnumerateArray().Count(s => s.GetProperty("action").GetString() is not null);


    private static string ResultText(JsonElement request, string toolUseId) =>
        request.GetProperty("messages").EnumerateArray()
            .SelectMany(m => m.GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "tool_result" && b.GetProperty("tool_use_id").GetString() == toolUseId)
            .SelectMany(b => b.GetProperty("content").EnumerateArray())
            .Select(b => b.GetProperty("text").GetString())
            .Single()!;

    private async Task<string> WaitForFileAsync(string path)
    {
        // The shell writes after the Return key; the task may complete a moment before the file is flushed.
        for (var i = 0; i < 50 && !File.Exists(path); i++)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        if (!File.Exists(path))
        {
            var display = host.Factory.Services.GetRequiredService<IDesktopEnvironment>().Display;
            Assert.Fail($"{path} was not written; terminals running: {Terminals()}; "
                + await DesktopDiagnosis.WriteAsync(display, "agent-terminal"));
        }
        return await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
    }

    /// <summary>Each xfce4-terminal and shell with its DISPLAY, HOME and working directory, for a failure message.</summary>
    private static string Terminals()
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                if (command is not ("xfce4-terminal" or "bash" or "sh"))
                    continue;
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0')
                    .Where(e => e.StartsWith("DISPLAY=", StringComparison.Ordinal) || e.StartsWith("HOME=", StringComparison.Ordinal))
                    .ToList();
                if (!environment.Any(e => e.StartsWith("DISPLAY=", StringComparison.Ordinal)))
                    continue;
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                found.Add($"{Path.GetFileName(dir)} {command} [{string.Join(' ', environment)}] cwd={cwd}");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found.Count == 0 ? "none" : string.Join("; ", found);
    }
}
