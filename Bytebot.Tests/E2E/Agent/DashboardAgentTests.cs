using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bytebot.Desktop.Contracts;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task The_resolution_selector_resizes_the_X_screen_and_the_models_clicks_land_on_the_intended_pixels()
    {
        var display = host.Factory.Services.GetRequiredService<IDesktopEnvironment>().Display;
        await using var browser = await Browsers.LaunchChromiumAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        await DashboardBrowser.SignInAsync(page, host.BaseUrl, host.Factory.Token, "/desktop");
        try
        {
            (await LiveDesktopTests.WaitForFramesAsync(page)).ShouldBeGreaterThanOrEqualTo(20, "a blank canvas");
            await DashboardBrowser.SelectAsync(page, "Resolution", "1920×1080");
            await Assertions.Expect(page.GetByText("The desktop is now 1920×1080.")).ToBeVisibleAsync();

            (await LinuxProcesses.ScreenDimensionsAsync(display)).ShouldStartWith("dimensions:    1920x1080 pixels");
            var shot = await host.ComputerUseAsync(new { action = "screenshot" });
            (shot.GetProperty("width").GetInt32(), shot.GetProperty("height").GetInt32()).ShouldBe((1920, 1080));
            // The live view takes the new framebuffer size from x11vnc (-xrandr) without a reconnect.
            await page.WaitForFunctionAsync("() => document.querySelector('.live-desktop canvas').width === 1920",
                null, new() { Timeout = 30_000 });
            (await LiveDesktopTests.WaitForFramesAsync(page)).ShouldBeGreaterThanOrEqualTo(20, "the canvas went blank");
            // XFCE redraws its wallpaper for the new size a moment later; until then the new area is black.
            await page.WaitForFunctionAsync("""
                () => {
                  const data = document.querySelector('.live-desktop canvas').getContext('2d').getImageData(1500, 400, 300, 300).data;
                  let lit = 0;
                  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 30) lit++;
                  return lit > 10000;
                }
                """, null, new() { Timeout = 30_000 });
            await Screenshots.SaveAsync(page, "desktop-resolution");

            // Claude sees 1024×576 images of the 1920×1080 screen: the centre and the last pixel of its image are
            // the centre and the last pixel of the screen (the stale 1280×960 frame would put them at 640,480).
            (await RunAsync("Click the centre", ("computer_click_mouse",
                new { coordinates = new { x = 512, y = 288 }, button = "left", clickCount = 1 }))).ShouldBe((960, 540));
            (await RunAsync("Point at the corner", ("computer_move_mouse",
                new { coordinates = new { x = 1023, y = 575 } }))).ShouldBe((1919, 1079));
        }
        finally
        {
            using var reset = await host.Client.PutAsJsonAsync("/api/desktop/resolution",
                new { width = 1280, height = 960 }, TestContext.Current.CancellationToken);
            reset.EnsureSuccessStatusCode();
        }
        (await LinuxProcesses.ScreenDimensionsAsync(display)).ShouldStartWith("dimensions:    1280x960 pixels");
    }

    [Fact]
    public async Task A_resolution_change_waits_for_a_takeover_and_after_the_resume_the_agent_maps_to_the_new_size()
    {
        var ct = TestContext.Current.CancellationToken;
        host.Llm.Reset();
        host.Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_look", "computer_screenshot", new { }),
            // The model thinks for a while: the user takes over meanwhile and changes the resolution.
            ScriptedReplies.AnthropicToolUse("toolu_wait", "computer_screenshot", new { })
                with { Delay = TimeSpan.FromSeconds(4) },
            ScriptedReplies.AnthropicToolUse("toolu_corner", "computer_move_mouse",
                new { coordinates = new { x = 1023, y = 575 } }),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status",
                new { status = "completed", description = "ok" }));
        var id = await host.CreateTaskAsync("Point at the corner after a takeover", "anthropic", AgentHost.Claude);
        await TasksHost.WaitUntilAsync(() => Task.FromResult(
            host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Count >= 2), TimeSpan.FromSeconds(60));
        try
        {
            var fullHd = new { width = 1920, height = 1080 };
            using (var refused = await host.Client.PutAsJsonAsync("/api/desktop/resolution", fullHd, ct))
            {
                refused.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
                (await refused.Content.ReadAsStringAsync(ct)).ShouldContain("take over");
            }
            using (var takeover = await host.Client.PostAsync($"/api/tasks/{id}/takeover", null, ct))
                takeover.EnsureSuccessStatusCode();
            using (var resized = await host.Client.PutAsJsonAsync("/api/desktop/resolution", fullHd, ct))
                resized.EnsureSuccessStatusCode();
            using (var resume = await host.Client.PostAsync($"/api/tasks/{id}/resume", null, ct))
                resume.EnsureSuccessStatusCode();

            var task = await host.WaitForStatusAsync(
                id, TimeSpan.FromSeconds(90), "COMPLETED", "FAILED", "NEEDS_HELP");
            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            // Its first look was at 1280×960 (1024×768 images); after the resume, 1024×576 images of 1920×1080.
            (await host.CursorAsync()).ShouldBe((1919, 1079));
        }
        finally
        {
            using var reset = await host.Client.PutAsJsonAsync("/api/desktop/resolution",
                new { width = 1280, height = 960 }, ct);
            reset.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A task whose model takes a screenshot, makes one call and completes; the pointer after it.</summary>
    private async Task<(int X, int Y)> RunAsync(string description, (string Name, object Input) call)
    {
        host.Llm.Reset();
        host.Llm.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_look", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse("toolu_act", call.Name, call.Input),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status",
                new { status = "completed", description }));
        var id = await host.CreateTaskAsync(description, "anthropic", AgentHost.Claude);
        var task = await host.WaitForStatusAsync(id, TimeSpan.FromSeconds(90), "COMPLETED", "FAILED", "NEEDS_HELP");
        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        return await host.CursorAsync();
    }

    [GeneratedRegex(@"/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();
}
