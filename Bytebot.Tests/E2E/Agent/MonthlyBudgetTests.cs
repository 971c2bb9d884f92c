using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>The real loop with a monthly budget of $0.0002: two claude-sonnet-4 steps ($0.000105 each) spend it.
/// </summary>
public sealed class BudgetAgentHost(PostgresFixture postgres) : AgentHost(postgres)
{
    public const string Budget = "0.0002";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Agent:Limits:MonthlyCost"] = Budget,
        ["Tasks:PollInterval"] = "00:00:00.500",
    };
}

/// <summary>
/// Issue 20, acceptance 4: a monthly budget stops the running task at its next step and holds the next one.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class MonthlyBudgetTests(BudgetAgentHost host) : IClassFixture<BudgetAgentHost>
{
    private const string Reason = $"monthly budget of ${BudgetAgentHost.Budget} reached";

    [Fact]
    public async Task The_step_that_passes_the_budget_is_the_last_and_the_next_task_waits_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        host.Llm.Reset();
        // 10 input and 5 output tokens a call at $3 / $15 per million: $0.000105 a step.
        host.Llm.Script(FakeLlmServer.AnthropicMessages, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_screenshot", new { }),
            new ScriptedCall("computer_screenshot", new { }),
            new ScriptedCall("computer_screenshot", new { }),
            AgentScripts.Complete()));
        var first = await host.CreateTaskAsync("look three times", "anthropic", AgentHost.Claude);

        var failed = await host.WaitForStatusAsync(
            first, TimeSpan.FromSeconds(90), "FAILED", "COMPLETED", "NEEDS_HELP");

        failed.GetProperty("status").GetString().ShouldBe("FAILED", failed.ToString());
        var error = failed.GetProperty("error").GetString() ?? "";
        error.ShouldContain(Reason);
        error.ShouldContain("Agent:Limits:MonthlyCost");
        host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(2);
        var spent = failed.GetProperty("totals").GetProperty("cost").GetDecimal();
        spent.ShouldBe(0.00021m);
        var usage = await host.Client.GetFromJsonAsync<JsonElement>("/api/usage", ct);
        usage.GetProperty("total").GetProperty("cost").GetDecimal().ShouldBe(spent);

        var next = await host.CreateTaskAsync("look once more", "anthropic", AgentHost.Claude);
        // Several claim polls (500 ms apart) pass, and the worker wakes on the creation itself.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var waiting = await host.GetTaskAsync(next);
        waiting.GetProperty("status").GetString().ShouldBe("PENDING", waiting.ToString());
        waiting.GetProperty("waitingFor").GetString().ShouldStartWith(Reason);
        var listed = await host.Client.GetFromJsonAsync<JsonElement>("/api/tasks?status=PENDING", ct);
        listed.GetProperty("tasks")[0].GetProperty("waitingFor").GetString().ShouldStartWith(Reason);
        host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(2);

        await using var browser = await Browsers.LaunchChromiumAsync();
        var page = await browser.NewPageAsync();
        await DashboardBrowser.SignInAsync(page, host.BaseUrl, host.Factory.Token, "/tasks");
        await Assertions.Expect(page.Locator($"[data-task-id='{next}'] .waiting-for")).ToContainTextAsync(Reason);
    }
}
