using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// Issue 20, acceptance 4: <c>/api/usage</c> and the usage page agree with the sum of the steps' figures that each
/// task's own API reports (<c>totals</c>), per model and per day, for tasks run by the real loop on the fake providers.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class UsageTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    // The model ids the providers answer with (usage is per model id, whatever name the task gave its model).
    private static readonly Dictionary<string, string> ModelIds = new()
    {
        ["anthropic"] = AgentHost.Claude,
        ["openai"] = AgentHost.Gpt,
        ["openai-compatible"] = "qwen2.5-vl",
    };

    private static readonly string[] Figures =
        ["steps", "actions", "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens"];

    [Fact]
    public async Task Usage_per_model_and_per_day_equals_the_sum_of_the_tasks_totals()
    {
        foreach (var provider in ModelIds.Keys)
            await RunAsync(provider, 2);
        // Every task in the host counts, the other tests' too: the order of a class's tests is not fixed.
        var tasks = await AllTasksAsync();
        var everyTask = tasks.Select(t => t.GetProperty("totals")).ToList();
        var totals = tasks.GroupBy(t => ModelIds[t.GetProperty("model").GetProperty("provider").GetString()!])
            .ToDictionary(g => g.Key, g => g.Select(t => t.GetProperty("totals")).ToList());

        var byModel = await UsageAsync("?by=model");
        foreach (var (model, list) in totals)
        {
            ShouldEqualSum(Row(byModel, model), list, model);
        }
        byModel.GetProperty("rows").GetArrayLength().ShouldBe(totals.Count, byModel.ToString());
        // claude-sonnet-4 at $3 / $15 per million tokens: a price is known, so its steps cost something.
        Row(byModel, AgentHost.Claude).GetProperty("cost").GetDecimal().ShouldBeGreaterThan(0m);

        foreach (var zone in new[] { "", "&tz=Pacific/Kiritimati", "&tz=America/St_Johns" })
        {
            var byDay = await UsageAsync("?by=day" + zone);
            byDay.GetProperty("rows").GetArrayLength().ShouldBe(30);
            ShouldEqualSum(byDay.GetProperty("total"), everyTask, zone);
            byDay.GetProperty("total").GetProperty("tasks").GetProperty("COMPLETED").GetInt64()
                .ShouldBe(everyTask.Count);
            byDay.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("steps").GetInt64())
                .ShouldBe(everyTask.Sum(t => t.GetProperty("steps").GetInt64()));
        }
        var byWeek = await UsageAsync("?by=week");
        ShouldEqualSum(byWeek.GetProperty("total"), everyTask, "week");
        byWeek.GetProperty("rows").EnumerateArray().Skip(1)
            .ShouldAllBe(r => DateOnly.Parse(r.GetProperty("period").GetString()!, CultureInfo.InvariantCulture)
                .DayOfWeek == DayOfWeek.Monday);
    }

    [Theory]
    [InlineData("?by=month", "by")]
    [InlineData("?by=1", "by")]
    [InlineData("?by=day,week", "by")]
    [InlineData("?tz=Mars/Olympus_Mons", "tz")]
    [InlineData("?from=2026-13-01", "from")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2026-02-30", "to")]
    [InlineData("?from=2026-06-02&to=2026-06-01", "from")]
    [InlineData("?from=2024-01-01&to=2026-01-01", "from")]
    public async Task A_bad_query_is_a_400_problem_naming_its_field(string query, string field)
    {
        using var response = await host.Client.GetAsync("/api/usage" + query, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([field]);
    }

    [Fact]
    public async Task The_usage_page_shows_the_figures_the_API_reports()
    {
        await RunAsync("anthropic", 1);
        var byDay = await UsageAsync("?by=day");
        var byModel = await UsageAsync("?by=model");
        await using var browser = await Browsers.LaunchChromiumAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await DashboardBrowser.SignInAsync(page, host.BaseUrl, host.Factory.Token, "/usage");

        await Assertions.Expect(page.Locator("[data-usage-total][data-loaded='true']")).ToBeVisibleAsync();
        var total = byDay.GetProperty("total");
        await Assertions.Expect(page.Locator("[data-usage-figure='Cost']"))
            .ToHaveAttributeAsync("data-value", Raw(total, "cost"));
        await Assertions.Expect(page.Locator("[data-usage-figure='Input tokens']"))
            .ToHaveAttributeAsync("data-value", Raw(total, "inputTokens"));
        await Assertions.Expect(page.Locator("[data-usage-figure='Steps']"))
            .ToHaveAttributeAsync("data-value", Raw(total, "steps"));
        foreach (var row in byModel.GetProperty("rows").EnumerateArray())
        {
            var line = page.Locator($"[data-usage-model='{row.GetProperty("model").GetString()}']");
            await Assertions.Expect(line.Locator("[data-steps]")).ToHaveAttributeAsync("data-steps", Raw(row, "steps"));
            await Assertions.Expect(line.Locator("[data-output]"))
                .ToHaveAttributeAsync("data-output", Raw(row, "outputTokens"));
            await Assertions.Expect(line.Locator("[data-cost]")).ToHaveAttributeAsync("data-cost", Raw(row, "cost"));
        }
        await Assertions.Expect(page.Locator("[data-usage-status='COMPLETED']"))
            .ToHaveAttributeAsync("data-count", Raw(total.GetProperty("tasks"), "COMPLETED"));
        await Assertions.Expect(page.Locator("[data-usage-chart='cost'] svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-usage-chart='tokens'] svg")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-usage");
    }

    /// <summary>A task of <paramref name="steps"/> screenshot steps and a final one, run to COMPLETED.</summary>
    private async Task<JsonElement> RunAsync(string provider, int steps)
    {
        host.Llm.Reset();
        var (path, providerName, model) = AgentScripts.For(provider);
        host.Llm.Script(path, AgentScripts.Replies(provider,
            [.. Enumerable.Repeat(new ScriptedCall("computer_screenshot", new { }), steps), AgentScripts.Complete()]));
        var id = await host.CreateTaskAsync($"look at the screen {steps} times", providerName, model);
        var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");
        task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
        return task;
    }

    private async Task<List<JsonElement>> AllTasksAsync()
    {
        var page = await host.Client.GetFromJsonAsync<JsonElement>(
            "/api/tasks?limit=200", TestContext.Current.CancellationToken);
        var tasks = new List<JsonElement>();
        foreach (var task in page.GetProperty("tasks").EnumerateArray())
            tasks.Add(await host.GetTaskAsync(task.GetProperty("id").GetGuid()));
        return tasks;
    }

    private async Task<JsonElement> UsageAsync(string query) =>
        await host.Client.GetFromJsonAsync<JsonElement>("/api/usage" + query, TestContext.Current.CancellationToken);

    private static JsonElement Row(JsonElement report, string model) =>
        report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("model").GetString() == model);

    // The number as the JSON has it: the page shows invariant-culture values in its data attributes.
    private static string Raw(JsonElement element, string name) => element.GetProperty(name).GetRawText();

    private static void ShouldEqualSum(JsonElement row, IReadOnlyList<JsonElement> totals, string what)
    {
        foreach (var figure in Figures)
        {
            row.GetProperty(figure).GetInt64()
                .ShouldBe(totals.Sum(t => t.GetProperty(figure).GetInt64()), $"{what} {figure}: {row}");
        }
        row.GetProperty("cost").GetDecimal()
            .ShouldBe(totals.Sum(t => t.GetProperty("cost").GetDecimal()), $"{what} cost: {row}");
        foreach (var figure in new[] { "modelMs", "actionMs", "settleMs" })
        {
            row.GetProperty(figure).GetDouble().ShouldBe(totals.Sum(t => t.GetProperty(figure).GetDouble()), 0.001,
                $"{what} {figure}: {row}");
        }
        totals.Sum(t => t.GetProperty("steps").GetInt64()).ShouldBeGreaterThan(0);
    }
}
