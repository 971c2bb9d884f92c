using System.Text.RegularExpressions;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>The dashboard in Debian's Chromium with the real agent loop and the fake Anthropic API behind it.</summary>
[Collection(OneDesktopAtATime.Name)]
public sealed partial class DashboardAgentTests(AgentHost host) : IClassFixture<AgentHost>
{
    [Fact]
    public async Task A_task_created_on_the_home_page_runs_on_the_fake_model_and_turns_COMPLETED_in_the_open_list_without_a_reload()
    {
        host.Llm.Reset();
        host.Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_1", "computer_screenshot", new { }) with { Delay = TimeSpan.FromSeconds(1) },
            ScriptedReplies.AnthropicToolUse("toolu_2", "computer_move_mouse", new { coordinates = new { x = 300, y = 200 } }),
            ScriptedReplies.AnthropicToolUse("toolu_3", "set_task_status", new { status = "completed", description = "Looked at the screen." }));
        await using var browser = await Browsers.LaunchChromiumAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var list = await context.NewPageAsync();
        await DashboardBrowser.SignInAsync(list, host.BaseUrl, host.Factory.Token, "/tasks");
        await list.EvaluateAsync("() => window.notReloaded = true");
        var home = await context.NewPageAsync();
        await home.GotoAsync(host.BaseUrl + "/");
        await DashboardBrowser.WaitForCircuitAsync(home);

        await home.GetByLabel("Describe the task").FillAsync("Look at the screen and move the mouse");
        await DashboardBrowser.SelectAsync(home, "Model", "Claude Sonnet 4");
        await home.GetByRole(AriaRole.Button, new() { Name = "Start task" }).ClickAsync();
        await home.WaitForURLAsync(TaskUrl(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        var taskId = Guid.Parse(home.Url[(home.Url.LastIndexOf('/') + 1)..]);

        var row = list.Locator($"[data-task-id='{taskId}']");
        await Assertions.Expect(row).ToContainTextAsync("Look at the screen and move the mouse");
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
        (await list.EvaluateAsync<bool>("() => window.notReloaded === true")).ShouldBeTrue("the list page reloaded");
        await Assertions.Expect(home.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(home.Locator("[data-timeline]")).ToContainTextAsync("computer_move_mouse");
        await Assertions.Expect(home.GetByRole(AriaRole.Log)).ToContainTextAsync("Looked at the screen.");
        host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(3);
        await Screenshots.SaveAsync(home, "task-real-agent");
    }

    [GeneratedRegex(@"/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();
}
