using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>
/// Usage across host restarts on one database: steps written before the usage table existed are backfilled by its
/// migration, and a monthly budget raised by a restart lets the task it held run. The agent pays $0.01 a step.
/// </summary>
public sealed class UsageBudgetRestartTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Model = "paid-model";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-usage-{Guid.NewGuid():N}.log");
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        File.Delete(_actionLog);
        return ValueTask.CompletedTask;
    }

    private BytebotHostFactory Host(string? monthlyCost = null)
    {
        var settings = TasksHost.Settings("usage", _actionLog);
        settings["Agent:Limits:MonthlyCost"] = monthlyCost;
        return TasksHost.Create(_connectionString, settings, new PaidAgent());
    }

    [Fact]
    public async Task Steps_written_before_the_usage_table_existed_are_counted_by_its_migration()
    {
        var ids = new List<Guid>();
        await using (var host = Host())
        {
            using var client = host.CreateAuthenticatedClient();
            ids.Add(await TasksHost.CreateTaskAsync(client, new { description = "steps:2" }));
            ids.Add(await TasksHost.CreateTaskAsync(client, new { description = "steps:3" }));
            foreach (var id in ids)
                await WaitForAsync(client, id, "COMPLETED");
        }
        // The database as a host before migration 9 left it.
        await TasksHost.RowsAsync(_connectionString, """
            drop table task_usage; drop function tasks_usage_add(uuid, uuid);
            alter table task_steps drop column in_usage;
            delete from schema_migrations where module = 'tasks' and version = 9
            """);

        await using (var host = Host())
        {
            using var client = host.CreateAuthenticatedClient();
            var totals = new List<JsonElement>();
            foreach (var id in ids)
                totals.Add((await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("totals"));
            var total = (await client.GetFromJsonAsync<JsonElement>("/api/usage", Ct)).GetProperty("total");
            var byModel = await client.GetFromJsonAsync<JsonElement>("/api/usage?by=model", Ct);

            foreach (var figure in new[] { "steps", "actions", "inputTokens", "outputTokens" })
            {
                total.GetProperty(figure).GetInt64()
                    .ShouldBe(totals.Sum(t => t.GetProperty(figure).GetInt64()), figure);
            }
            total.GetProperty("cost").GetDecimal().ShouldBe(totals.Sum(t => t.GetProperty("cost").GetDecimal()));
            total.GetProperty("tasks").GetProperty("COMPLETED").GetInt64().ShouldBe(2);
            // Five paid steps; each task's last step (the one that completed it) called no model.
            var rows = byModel.GetProperty("rows").EnumerateArray()
                .ToDictionary(r => r.GetProperty("model").GetString()!, r => r);
            rows.Keys.Order().ShouldBe(["", Model]);
            rows[Model].GetProperty("steps").GetInt64().ShouldBe(5);
            rows[Model].GetProperty("cost").GetDecimal().ShouldBe(0.05m);
            rows[""].GetProperty("steps").GetInt64().ShouldBe(2);
        }
    }

    [Fact]
    public async Task A_task_held_by_the_monthly_budget_runs_after_a_restart_with_a_higher_one()
    {
        Guid held;
        await using (var host = Host(monthlyCost: "0.02"))
        {
            using var client = host.CreateAuthenticatedClient();
            var first = await TasksHost.CreateTaskAsync(client, new { description = "steps:2" });
            await WaitForAsync(client, first, "COMPLETED");
            held = await TasksHost.CreateTaskAsync(client, new { description = "steps:1" });
            // Polls 200 ms apart, and the wake-up of the creation itself, pass without a claim.
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
            var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{held}", Ct);
            task.GetProperty("status").GetString().ShouldBe("PENDING");
            task.GetProperty("waitingFor").GetString()
                .ShouldStartWith("monthly budget of $0.02 reached ($0.02 spent in ");
        }

        await using (var host = Host(monthlyCost: "0.05"))
        {
            using var client = host.CreateAuthenticatedClient();
            var task = await WaitForAsync(client, held, "COMPLETED");
            task.GetProperty("totals").GetProperty("cost").GetDecimal().ShouldBe(0.01m);
        }
    }

    [Fact]
    public async Task A_monthly_budget_that_is_not_above_zero_stops_the_start_naming_the_setting()
    {
        await using var host = Host(monthlyCost: "-1");

        var error = Should.Throw<Exception>(() => host.CreateAuthenticatedClient());

        error.ToString().ShouldContain("Agent:Limits:MonthlyCost is '-1'");
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, Guid id, string status)
    {
        JsonElement task = default;
        await TasksHost.WaitUntilAsync(async () =>
            (task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status")
                .GetString() == status, Limit);
        return task;
    }

    /// <summary>"steps:N": N steps, each a model call of 100 + 10 tokens for $0.01 and one action.</summary>
    private sealed class PaidAgent : ITaskAgent
    {
        public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) =>
            new StepRun(token => StepAsync(task, recorder, token));

        private static async Task<StepOutcome> StepAsync(
            ITaskRunView task, ITaskRecorder recorder, CancellationToken ct)
        {
            var wanted = int.Parse(task.Description["steps:".Length..], CultureInfo.InvariantCulture);
            var done = task.Messages.Count(m => m.Role == TaskRole.Assistant);
            if (done >= wanted)
                return StepOutcome.Complete();
            await recorder.RecordUsageAsync(
                new ModelUsage(Model, 100, 10, 0.01m, Latency: TimeSpan.FromMilliseconds(20)), ct);
            await recorder.AddMessageAsync(TaskRole.Assistant, [new TextContent($"step {done + 1}")], ct);
            await recorder.ExecuteActionAsync("paid_click", JsonSerializer.SerializeToElement(new { step = done + 1 }),
                (_, _) => Task.FromResult(new ActionResult(true)), ct);
            return StepOutcome.Continue;
        }
    }
}
