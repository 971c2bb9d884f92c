using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>The task views in Debian's Chromium against the real host, tasks driven by the scripted agent.</summary>
public sealed partial class TaskPageTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static readonly string[] Tags = ["Q3", "finance"];
    private static readonly string[] OtherTags = ["ops"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_task_list_shows_a_tasks_tags_marks_it_overdue_and_a_tag_filters_the_list_by_it()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var taskId = await CreateAsync(client, new
        {
            description = "File the quarterly report steps:1 hold:1", tags = Tags, dueAt = DateTimeOffset.UtcNow.AddHours(-2),
        });
        var otherId = await CreateAsync(client, new { description = "Restart the build agent steps:1 hold:1", tags = OtherTags });
        try
        {
            var list = await host.OpenAsync("/tasks");

            var row = list.Locator($"[data-task-id='{taskId}']");
            var other = list.Locator($"[data-task-id='{otherId}']");
            await Assertions.Expect(row.Locator("[data-tag]")).ToHaveTextAsync(["finance", "q3"]);
            await Assertions.Expect(row.Locator("[data-overdue]")).ToHaveTextAsync("overdue");
            await Assertions.Expect(other).ToBeVisibleAsync();
            await Screenshots.SaveAsync(list, "tasks-tags-overdue");

            await row.Locator("[data-tag='finance']").ClickAsync();
            await list.WaitForURLAsync(new Regex("/tasks\\?tag=finance$"));
            await Assertions.Expect(list.Locator("[data-tag-filter='finance']")).ToBeVisibleAsync();
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(other).ToHaveCountAsync(0);
            foreach (var shown in await list.Locator("[data-task-list] [data-task-id]").AllAsync())
                await Assertions.Expect(shown.Locator("[data-tag='finance']")).ToHaveCountAsync(1);
            await Screenshots.SaveAsync(list, "tasks-filtered-by-tag");

            await list.Locator("[data-tag-filter] .mud-chip-close-button").ClickAsync();
            await Assertions.Expect(list.Locator("[data-tag-filter]")).ToHaveCountAsync(0);
            await Assertions.Expect(other).ToBeVisibleAsync();
        }
        finally
        {
            host.Agent.Release(taskId);
            host.Agent.Release(otherId);
        }
    }

    private static async Task<Guid> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/tasks", body, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_task_created_on_the_home_page_shows_up_in_the_list_and_completes_there_without_a_reload()
    {
        var list = await host.OpenAsync("/tasks");
        await list.EvaluateAsync("() => window.notReloaded = true");
        var home = await host.OpenAsync("/");
        (await DashboardBrowser.AppBarColourAsync(home)).ShouldBe(DashboardBrowser.LightAppBar);
        await Screenshots.SaveAsync(home, "home");

        await home.GetByLabel("Describe the task").FillAsync("Look up the weather in Lisbon steps:3 hold:1");
        await DashboardBrowser.SelectAsync(home, "Priority", "High");
        await Assertions.Expect(home.Locator(".mud-select").Filter(new() { HasText = "Model" }).Locator("input"))
            .ToHaveValueAsync("llama3.1:8b");
        await home.GetByRole(AriaRole.Button, new() { Name = "Start task" }).ClickAsync();
        await home.WaitForURLAsync(TaskUrl(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        var taskId = Guid.Parse(home.Url[(home.Url.LastIndexOf('/') + 1)..]);

        var row = list.Locator($"[data-task-id='{taskId}']");
        await Assertions.Expect(row).ToContainTextAsync("Look up the weather in Lisbon");
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveTextAsync(new Regex("Pending|Running"));
        host.Agent.Release(taskId);
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        (await list.EvaluateAsync<bool>("() => window.notReloaded === true")).ShouldBeTrue("the list page reloaded");
        await Assertions.Expect(list.GetByRole(AriaRole.Tab, new() { Name = "Completed" })).Not.ToHaveTextAsync(new Regex("Completed\\s*0$"));
        await Screenshots.SaveAsync(list, "tasks");

        // The task page the form led to followed the run live, and shows its timeline.
        await Assertions.Expect(home.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        var steps = home.Locator("[data-timeline] li[data-step-id]");
        await Assertions.Expect(steps).ToHaveCountAsync(4);
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("computer_type_text");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("••••");
        (await home.Locator("[data-task-page]").InnerTextAsync()).ShouldNotContain("hunter2");
        await Assertions.Expect(steps.First).ToContainTextAsync("tok");
        await steps.First.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(steps.First.GetByRole(AriaRole.Button)).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(home.Locator("[data-replay-pane] img")).ToBeVisibleAsync();
        await Assertions.Expect(home.GetByRole(AriaRole.Log)).ToContainTextAsync("computer_click_mouse");
        await Assertions.Expect(home.Locator(".mud-snackbar")).ToContainTextAsync("completed");
        await Screenshots.SaveAsync(home, "task-completed");
    }

    [Fact]
    public async Task Taking_over_a_running_task_hands_the_live_view_to_the_user_and_proceed_hands_it_back()
    {
        var taskId = await host.CreateTaskAsync("Fill in the form steps:2 hold:2");
        await TasksHostWait(() => host.StepCountAsync(taskId), 2);
        var page = await host.OpenAsync($"/tasks/{taskId}");
        var takeOver = page.GetByRole(AriaRole.Button, new() { Name = "Take over" });
        var proceed = page.GetByRole(AriaRole.Button, new() { Name = "Proceed" });
        var live = page.Locator("[data-live-pane] .live-desktop");
        var status = page.Locator(".task-page [data-status]").First;

        await Assertions.Expect(takeOver).ToBeVisibleAsync();
        await Assertions.Expect(live).ToHaveAttributeAsync("data-view-only", "true");
        await takeOver.ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync("You have control");
        await Assertions.Expect(proceed).ToBeVisibleAsync();
        await Assertions.Expect(live).ToHaveAttributeAsync("data-view-only", "false");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Screenshots.SaveAsync(page, "task-takeover");

        await proceed.ClickAsync();
        await Assertions.Expect(takeOver).ToBeVisibleAsync();
        await Assertions.Expect(live).ToHaveAttributeAsync("data-view-only", "true");
        host.Agent.Release(taskId);
        await Assertions.Expect(status).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-replay-pane]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_follow_up_message_appears_in_the_conversation_once()
    {
        var taskId = await host.CreateTaskAsync("Wait for instructions steps:2 hold:1");
        var page = await host.OpenAsync($"/tasks/{taskId}");
        await Assertions.Expect(page.Locator("[data-task-page]")).ToHaveAttributeAsync("data-loaded", "true");

        await page.GetByLabel("Message to the agent").FillAsync("Use the second monitor please");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Log).GetByText("Use the second monitor please")).ToHaveCountAsync(1);
        host.Agent.Release(taskId);
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_pending_task_shows_the_live_desktop_it_will_run_on()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var response = await client.PostAsJsonAsync("/api/tasks", new
        {
            description = "Send the weekly report",
            type = "SCHEDULED",
            scheduledFor = DateTimeOffset.UtcNow.AddHours(2),
        }, Ct);
        response.EnsureSuccessStatusCode();
        var taskId = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetGuid();

        var page = await host.OpenAsync($"/tasks/{taskId}");
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Pending");
        await Assertions.Expect(page.Locator("[data-screen-state]")).ToContainTextAsync("the desktop it will run on");
        await Assertions.Expect(page.Locator("[data-live-pane] .live-desktop")).ToHaveAttributeAsync("data-state", "connected",
            new() { Timeout = 15_000 });
        await Screenshots.SaveAsync(page, "task-pending");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Cancelled");
    }

    [Fact]
    public async Task Every_view_renders_in_the_dark_theme_and_the_toggle_remembers_the_choice()
    {
        var taskId = await host.CreateTaskAsync("Summarise the open document steps:3");
        await TasksHostWait(() => host.StepCountAsync(taskId), 4);
        var page = await host.OpenAsync("/", ColorScheme.Dark);
        await Assertions.Expect(page.Locator(".mud-appbar")).ToHaveCSSAsync("background-color", DashboardBrowser.DarkAppBar);
        await Screenshots.SaveAsync(page, "home-dark");
        await page.GotoAsync(host.BaseUrl + "/tasks");
        await Assertions.Expect(page.Locator("[data-task-id]").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "tasks-dark");
        await page.GotoAsync($"{host.BaseUrl}/tasks/{taskId}");
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-replay-pane] img")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "task-completed-dark");
        await page.GotoAsync(host.BaseUrl + "/status");
        await DashboardBrowser.WaitForCircuitAsync(page);
        await Screenshots.SaveAsync(page, "status-dark");

        await page.GetByRole(AriaRole.Button, new() { Name = "Light theme" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-appbar")).ToHaveCSSAsync("background-color", DashboardBrowser.LightAppBar);
        await page.ReloadAsync();
        await DashboardBrowser.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator(".mud-appbar")).ToHaveCSSAsync("background-color", DashboardBrowser.LightAppBar);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" })).ToHaveAttributeAsync("aria-pressed", "false");
    }

    [Fact]
    public async Task A_failed_task_shows_its_last_screen_and_error_and_retry_goes_on_from_its_last_step()
    {
        var taskId = await host.CreateTaskAsync("Book a table for two fail:2 steps:3");
        var page = await host.OpenAsync($"/tasks/{taskId}");
        var status = page.Locator(".task-page [data-status]").First;
        var insight = page.Locator("[data-insight='failed']");

        await Assertions.Expect(status).ToHaveTextAsync("Failed", new() { Timeout = 30_000 });
        await Assertions.Expect(insight.Locator("[data-insight-text]")).ToContainTextAsync("The scripted agent gave up at step 2");
        await Assertions.Expect(insight.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("alt", "The last screen the task saw (step 1)");
        (await insight.GetByRole(AriaRole.Img).EvaluateAsync<int>("img => img.naturalWidth")).ShouldBe(160);
        await Screenshots.SaveAsync(page, "task-failed");

        await insight.GetByRole(AriaRole.Button, new() { Name = "Retry from here" }).ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(insight).ToHaveCountAsync(0);
        // It went on from its history: steps 1 to 3 each ran once, none again from the start.
        var log = page.GetByRole(AriaRole.Log);
        foreach (var number in new[] { 1, 2, 3 })
            await Assertions.Expect(log.GetByText($"Step {number}: working on it.")).ToHaveCountAsync(1);
        await Assertions.Expect(log).ToContainTextAsync("Done: 3 steps.");

        using var client = host.Factory.CreateAuthenticatedClient();
        using var again = await client.PostAsync($"/api/tasks/{taskId}/retry", null, Ct);
        ((int)again.StatusCode).ShouldBe(400);
        again.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_running_task_quiet_for_longer_than_the_stuck_time_shows_the_hint_whose_take_over_works()
    {
        var taskId = await host.CreateTaskAsync("Wait for the slow upload steps:2 hold:2");
        var page = await host.OpenAsync($"/tasks/{taskId}");
        var hint = page.Locator("[data-insight='stuck']");

        await Assertions.Expect(hint).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(hint.Locator("[data-insight-text]")).ToContainTextAsync("the agent may be stuck");
        await Assertions.Expect(hint.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("alt", "The last screen the task saw (step 1)");
        await Assertions.Expect(hint.GetByRole(AriaRole.Button, new() { Name = "Cancel task" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "task-stuck");

        await hint.GetByRole(AriaRole.Button, new() { Name = "Take over" }).ClickAsync();
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("You have control");
        await Assertions.Expect(hint).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Proceed" }).ClickAsync();
        host.Agent.Release(taskId);
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
    }

    private static async Task TasksHostWait(Func<Task<int>> count, int atLeast)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        while (await count() < atLeast)
            await Task.Delay(100, limit.Token);
    }

    [GeneratedRegex(@"/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();
}
