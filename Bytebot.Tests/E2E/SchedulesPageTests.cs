using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>The schedules page in Chromium: create through the form, an occurrence's task linked, pause, a bad cron.</summary>
public sealed class SchedulesPageTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task A_schedule_created_in_the_form_runs_links_its_task_pauses_and_a_bad_cron_errors_on_its_field()
    {
        var page = await host.OpenAsync("/schedules");
        await Assertions.Expect(page.Locator("[data-schedules][data-loaded='true']")).ToBeVisibleAsync();
        await page.Locator("[data-schedule-description] textarea, textarea[data-schedule-description]").FillAsync("Check the inbox every two seconds");
        await page.Locator("[data-schedule-cron] input, input[data-schedule-cron]").FillAsync("*/2 * * * * *");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();

        var row = page.Locator("[data-schedule]").Filter(new() { HasText = "Check the inbox every two seconds" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("*/2 * * * * *");
        await Assertions.Expect(row.Locator("[data-schedule-next]")).ToContainTextAsync("UTC");
        var id = Guid.Parse((await row.GetAttributeAsync("data-schedule"))!);

        var lastTask = row.Locator("[data-schedule-last-task]");
        await Assertions.Expect(lastTask).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var href = await lastTask.GetAttributeAsync("href");
        href.ShouldStartWith("/tasks/");
        using var client = host.Factory.CreateAuthenticatedClient();
        var ct = TestContext.Current.CancellationToken;
        var taskId = Guid.Parse(href!["/tasks/".Length..]);
        (await client.GetAsync($"/api/tasks/{taskId}", ct)).EnsureSuccessStatusCode();

        await row.GetByRole(AriaRole.Button, new() { Name = "Runs" }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-schedule-runs='{id}'] [data-schedule-run='created']").First)
            .ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-paused", "true");
        await Assertions.Expect(row.Locator("[data-schedule-state]")).ToContainTextAsync("paused");
        var api = await client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}", ct);
        api.GetProperty("paused").GetBoolean().ShouldBeTrue();
        await Screenshots.SaveAsync(page, "dashboard-schedules");

        await page.Locator("[data-schedule-description] textarea, textarea[data-schedule-description]").FillAsync("Never valid");
        await page.Locator("[data-schedule-cron] input, input[data-schedule-cron]").FillAsync("every tuesday");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-input-control").Filter(new() { Has = page.Locator("[data-schedule-cron], input[data-schedule-cron]") }))
            .ToContainTextAsync("Not a cron expression");
        await Assertions.Expect(page.Locator("[data-schedules-error]")).ToHaveCountAsync(0);
        (await client.GetFromJsonAsync<JsonElement>("/api/schedules", ct)).GetArrayLength().ShouldBe(1);
    }
}
