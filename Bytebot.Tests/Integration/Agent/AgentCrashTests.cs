using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// The real agent loop in a host child process, killed with SIGKILL right after the model's answer was stored: the
/// restarted host acts on the stored answer and never asks the model for that step again.
/// </summary>
public sealed class AgentCrashTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_9_between_a_stored_model_answer_and_its_actions_does_not_re_request_the_answer_after_restart()
    {
        await using var llm = await FakeLlmServer.StartAsync();
        await using var xvfb = await BareXvfb.StartAsync(1280, 960, Ct);
        var workDir = Directory.CreateTempSubdirectory("bytebot-agent-crash-").FullName;
        var settings = TasksHost.Settings("agent-crash", Path.Combine(workDir, "actions.log"));
        settings["ConnectionStrings:Bytebot"] = await postgres.CreateDatabaseAsync();
        settings["BYTEBOT_TOKEN"] = "bbt_test_agentcrash0123456789abcdef";
        settings["BYTEBOT_DATA_DIR"] = workDir;
        settings["DISPLAY"] = xvfb.Display;
        settings["Test:Agent"] = "real";
        settings["ANTHROPIC_API_KEY"] = "sk-ant-test";
        settings["ANTHROPIC_BASE_URL"] = llm.BaseUrl.ToString().TrimEnd('/');
        // The first answer's first action waits 3 s: the kill lands after the answer is stored, before its move runs.
        llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUses(
                ("toolu_wait", "computer_wait", new { duration = 3000 }),
                ("toolu_move", "computer_move_mouse", new { coordinates = new { x = 100, y = 100 } })),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status", new { status = "completed", description = "ok" }));
        try
        {
            Guid id;
            await using (var first = await HostProcess.StartAsync(settings, Ct))
            {
                await first.WaitUntilReadyAsync(Ct);
                id = await TasksHost.CreateTaskAsync(first.Client, new { description = "wait, then move", model = new { provider = "anthropic", name = "claude-sonnet-4-20250514", title = "Claude" } });
                await TasksHost.WaitUntilAsync(async () => (await Messages(first.Client, id)).Any(m => m.GetProperty("role").GetString() == "ASSISTANT"), TimeSpan.FromSeconds(60));
                // Killed once the wait has started (recorded) and long before it ends: the move is still to come.
                await TasksHost.WaitUntilAsync(async () => (await first.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", Ct))
                    .EnumerateArray().Any(s => s.GetProperty("action").GetString() == "computer_wait"), TimeSpan.FromSeconds(10));
                await first.KillAsync();
            }
            llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(1);

            await using var second = await HostProcess.StartAsync(settings, Ct);
            await second.WaitUntilReadyAsync(Ct);
            await TasksHost.WaitUntilAsync(async () =>
                (await second.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status").GetString() is "COMPLETED" or "FAILED",
                TimeSpan.FromSeconds(60));

            var task = await second.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);
            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            var bodies = llm.Bodies(FakeLlmServer.AnthropicMessages);
            bodies.Count.ShouldBe(2, "one answer per step: the stored answer was not asked for again");
            var answered = bodies[1].ToString();
            // The interrupted wait is reported, not re-run; the move that had not started ran after the restart.
            answered.ShouldContain("interrupted by a restart");
            answered.ShouldContain("toolu_move");
            var actions = (await second.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", Ct)).EnumerateArray()
                .Select(s => s.GetProperty("action").GetString()).OfType<string>().ToList();
            actions.Count(a => a == "computer_wait").ShouldBe(1);
            actions.ShouldContain("computer_move_mouse");
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static async Task<List<JsonElement>> Messages(HttpClient client, Guid id) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages?limit=100", Ct)).EnumerateArray()];
}
