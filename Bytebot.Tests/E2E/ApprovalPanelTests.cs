using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bytebot.Agent.Contracts;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// Approvals raised through the real gate while a dashboard is open (its circuit is the only approver), decided in
/// Chromium: the app bar's panel and the task page.
/// </summary>
public sealed class ApprovalPanelTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private const string Destructive = """{"text":"rm -rf ~/projects\n"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<GateVerdict> Ask(Guid taskId) => Task.Run(() => host.Factory.Services.GetRequiredService<IToolGate>()
        .CheckAsync(new ToolCallSubject(taskId, "computer_type_text", Destructive, "agent"), Ct), Ct);

    [Fact]
    public async Task An_approval_raised_while_the_dashboard_is_open_is_counted_toasted_and_approved_from_the_panel()
    {
        var taskId = await HeldTaskAsync("Tidy the projects folder steps:2 hold:2");
        var page = await host.OpenAsync("/");
        var badge = page.Locator("[data-approvals-count]");
        await Assertions.Expect(badge).ToHaveAttributeAsync("data-approvals-count", "0");

        var check = Ask(taskId);
        await Assertions.Expect(badge).ToHaveAttributeAsync("data-approvals-count", "1");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approvals, 1 pending" }))
            .ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar"))
            .ToContainTextAsync("Approval needed: computer_type_text");

        await page.Locator("[data-approvals-button]").ClickAsync();
        var card = page.Locator("[data-approvals-panel] .approval-card");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await Assertions.Expect(card.Locator("[data-approval-tool]")).ToHaveTextAsync("computer_type_text");
        await Assertions.Expect(card.Locator("[data-approval-input]")).ToContainTextAsync("rm -rf ~/projects");
        await Assertions.Expect(card.Locator("[data-approval-reason]")).ToContainTextAsync("destructive shell line");
        await Assertions.Expect(card.Locator("[data-approval-expires]"))
            .ToContainTextAsync(new Regex(@"expires in \d+"));
        await Assertions.Expect(card.Locator("[data-approval-task]")).ToHaveAttributeAsync("href", $"/tasks/{taskId}");
        check.IsCompleted.ShouldBeFalse("the call waits for the decision");
        await SettledScreenshotAsync(page, "approvals-panel");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var verdict = await check.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        verdict.Allowed.ShouldBeTrue(verdict.Reason);
        verdict.Reason.ShouldStartWith("approved by ");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-approvals-empty]")).ToBeVisibleAsync();
        await Assertions.Expect(badge).ToHaveAttributeAsync("data-approvals-count", "0");
        host.Agent.Release(taskId);
    }

    [Fact]
    public async Task Denying_on_the_task_page_refuses_the_call_with_the_note_and_the_timeline_shows_the_decision()
    {
        var taskId = await HeldTaskAsync("Free some disk space steps:2 hold:2");
        var page = await host.OpenAsync($"/tasks/{taskId}");
        await Assertions.Expect(page.Locator("[data-task-page]")).ToHaveAttributeAsync("data-loaded", "true");

        var check = Ask(taskId);
        var card = page.Locator("[data-task-approvals] .approval-card");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await Assertions.Expect(card.Locator("[data-approval-task]")).ToHaveCountAsync(0);
        var asked = page.Locator("[data-timeline] [data-step-approval]");
        await Assertions.Expect(asked).ToHaveAttributeAsync("data-step-approval", "pending");
        await Assertions.Expect(asked).ToContainTextAsync("approval asked for computer_type_text");
        await card.GetByLabel("Note (optional)").FillAsync("not that folder");
        (await page.Locator(".mud-snackbar").CountAsync()).ShouldBe(0, "the task page shows it; no toast repeats it");
        await SettledScreenshotAsync(page, "task-approval");

        await card.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        var verdict = await check.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        verdict.Allowed.ShouldBeFalse();
        verdict.Reason.ShouldContain("not that folder");
        await Assertions.Expect(page.Locator("[data-task-approvals]")).ToHaveCountAsync(0);
        await Assertions.Expect(asked).ToHaveAttributeAsync("data-step-approval", "denied");
        await Assertions.Expect(asked).ToContainTextAsync("not that folder");
        host.Agent.Release(taskId);
    }

    [Fact]
    public async Task An_approval_decided_elsewhere_leaves_the_panel_by_itself()
    {
        var taskId = await HeldTaskAsync("Reset the repository steps:2 hold:2");
        var page = await host.OpenAsync("/tasks");
        var check = Ask(taskId);
        await page.Locator("[data-approvals-button]").ClickAsync();
        var card = page.Locator("[data-approvals-panel] .approval-card");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        var id = await card.GetAttributeAsync("data-approval-id");

        using (var client = host.Factory.CreateAuthenticatedClient())
        {
            using var approve = await client.PostAsJsonAsync($"/api/approvals/{id}/approve", new { note = "ok" }, Ct);
            approve.EnsureSuccessStatusCode();
        }

        (await check.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Allowed.ShouldBeTrue();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-approvals-count]"))
            .ToHaveAttributeAsync("data-approvals-count", "0");
        host.Agent.Release(taskId);
    }

    // The drawer slides in and a toast fades in for a few hundred milliseconds; a shot taken meanwhile is cut off.
    private static async Task SettledScreenshotAsync(IPage page, string name)
    {
        await page.WaitForTimeoutAsync(800);
        await Screenshots.SaveAsync(page, name);
    }

    private async Task<Guid> HeldTaskAsync(string description)
    {
        var taskId = await host.CreateTaskAsync(description);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        while (await host.StepCountAsync(taskId) < 2)
            await Task.Delay(100, limit.Token);
        return taskId;
    }
}
