using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>
/// Recurring tasks through the API on a real host: occurrences are Wolverine envelopes scheduled in PostgreSQL, so
/// one due while the host is stopped fires when it starts again. Six-field expressions (seconds first) keep it short.
/// </summary>
public sealed class ScheduleTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-schedules-{Guid.NewGuid():N}.log");
    private readonly List<BytebotHostFactory> _hosts = [];
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        File.Delete(_actionLog);
    }

    private HttpClient StartHost()
    {
        var settings = TasksHost.Settings("schedules", _actionLog);
        settings["Tasks:Schedules:LateAfter"] = "00:00:01";
        var host = TasksHost.Create(_connectionString, settings, new ScriptedAgent(_actionLog, TimeSpan.FromMilliseconds(20)));
        _hosts.Add(host);
        return host.CreateAuthenticatedClient();
    }

    private async Task StopHostAsync()
    {
        var host = _hosts[^1];
        _hosts.Remove(host);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Each_occurrence_creates_a_normal_task_that_runs_with_a_timeline_and_the_schedule_lists_it()
    {
        using var client = StartHost();
        var created = await CreateAsync(client, new { description = "steps:2", cron = "*/3 * * * * *", name = "every 3 s" });
        created.GetProperty("nextRuns").GetArrayLength().ShouldBe(5);
        var id = created.GetProperty("id").GetGuid();

        await TasksHost.WaitUntilAsync(async () => await CountAsync(
            "select count(*) from tasks t join task_schedule_runs r on r.task_id = t.id where r.schedule_id = $1 and t.status = 'COMPLETED'",
            id) >= 2, TimeSpan.FromSeconds(30));

        var schedule = await client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}", Ct);
        var runs = schedule.GetProperty("recent").EnumerateArray().ToList();
        runs.Count.ShouldBeGreaterThanOrEqualTo(2);
        runs.ShouldAllBe(r => r.GetProperty("outcome").GetString() == "created");
        schedule.GetProperty("runs").GetInt32().ShouldBe(runs.Count);
        var occurrences = runs.Select(r => r.GetProperty("occurrence").GetDateTimeOffset()).ToList();
        occurrences.ShouldAllBe(o => o.Second % 3 == 0 && o.Millisecond == 0);
        occurrences.Distinct().Count().ShouldBe(occurrences.Count, "one task per occurrence");
        foreach (var run in runs.Where(r => r.GetProperty("occurrence").GetDateTimeOffset() <= occurrences[^2]))
        {
            var taskId = run.GetProperty("taskId").GetGuid();
            var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);
            task.GetProperty("description").GetString().ShouldBe("steps:2");
            task.GetProperty("type").GetString().ShouldBe("IMMEDIATE");
            var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/timeline", Ct);
            timeline.GetArrayLength().ShouldBeGreaterThanOrEqualTo(2);
        }
    }

    [Fact]
    public async Task An_occurrence_due_while_the_host_was_stopped_runs_once_on_start_or_is_skipped_as_asked()
    {
        var client = StartHost();
        var runOnce = (await CreateAsync(client, new { description = "steps:1", cron = "*/2 * * * * *" })).GetProperty("id").GetGuid();
        var skip = (await CreateAsync(client, new { description = "steps:1", cron = "*/2 * * * * *", missed = "skip" }))
            .GetProperty("id").GetGuid();
        await TasksHost.WaitUntilAsync(async () => await CountAsync(
            "select count(*) from task_schedule_runs where schedule_id = $1", runOnce) >= 1, TimeSpan.FromSeconds(20));
        client.Dispose();

        await StopHostAsync();
        // The first occurrence the stopped host did not handle is the one each schedule still waits for; a slow
        // dispose can put it before the moment the stop returned, so the clock there is no bound.
        var firstMissed = new Dictionary<Guid, DateTime>();
        foreach (var id in new[] { runOnce, skip })
            firstMissed[id] = await TasksHost.ScalarAsync<DateTime>(_connectionString,
                "select next_run_at from task_schedules where id = $1", id);
        await Task.Delay(TimeSpan.FromSeconds(7), Ct);
        var startedAt = DateTimeOffset.UtcNow;
        using var again = StartHost();
        (await again.GetAsync(new Uri("/api/schedules", UriKind.Relative), Ct)).EnsureSuccessStatusCode();

        // The three or so occurrences inside the stop are one late occurrence, handled after the start.
        await TasksHost.WaitUntilAsync(async () => await CountAsync(
            "select count(*) from task_schedule_runs where schedule_id = $1 and fired_at >= $2 and outcome = 'created'",
            skip, startedAt) >= 1 && await CountAsync(
            "select count(*) from task_schedule_runs where schedule_id = $1 and fired_at >= $2", runOnce, startedAt) >= 1,
            TimeSpan.FromSeconds(30));
        foreach (var (id, outcome) in new[] { (runOnce, "created"), (skip, "skipped") })
        {
            var missed = await TasksHost.RowsAsync(_connectionString, """
                select outcome, task_id, fired_at, occurrence from task_schedule_runs
                where schedule_id = $1 and occurrence >= $2 and occurrence < $3
                """, id, firstMissed[id], startedAt);
            missed.Count.ShouldBe(1, $"{outcome}: the missed occurrences ran as one");
            missed[0][0].ShouldBe(outcome);
            ((DateTime)missed[0][2]!).ShouldBeGreaterThanOrEqualTo(startedAt.UtcDateTime);
            ((DateTime)missed[0][3]!).ShouldBe(firstMissed[id]);
            (missed[0][1] is Guid).ShouldBe(outcome == "created");
        }
        (await CountAsync("select count(*) from task_schedule_runs where task_id is not null and task_id not in (select id from tasks)"))
            .ShouldBe(0, "every created run's task exists");
    }

    [Fact]
    public async Task A_paused_schedule_runs_nothing_and_resumes_from_the_next_occurrence()
    {
        using var client = StartHost();
        var id = (await CreateAsync(client, new { description = "steps:1", cron = "*/2 * * * * *" })).GetProperty("id").GetGuid();
        var paused = await PostAsync(client, $"/api/schedules/{id}/pause");
        paused.GetProperty("paused").GetBoolean().ShouldBeTrue();
        paused.GetProperty("nextRuns").GetArrayLength().ShouldBe(0);
        var pausedAt = DateTimeOffset.UtcNow;

        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        (await CountAsync("select count(*) from task_schedule_runs where schedule_id = $1 and fired_at >= $2", id, pausedAt))
            .ShouldBe(0, "a paused schedule fires nothing");

        var resumed = await PostAsync(client, $"/api/schedules/{id}/resume");
        resumed.GetProperty("paused").GetBoolean().ShouldBeFalse();
        resumed.GetProperty("nextRunAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddSeconds(-1));
        await TasksHost.WaitUntilAsync(async () => await CountAsync(
            "select count(*) from task_schedule_runs where schedule_id = $1 and outcome = 'created'", id) >= 1, TimeSpan.FromSeconds(20));

        (await client.DeleteAsync(new Uri($"/api/schedules/{id}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync(new Uri($"/api/schedules/{id}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync(new Uri($"/api/schedules/{id}/pause", UriKind.Relative), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"cron":"* * * * *"}""", "description")]
    [InlineData("""{"description":"x"}""", "cron")]
    [InlineData("""{"description":"x","cron":"99 * * * *"}""", "cron")]
    [InlineData("""{"description":"x","cron":5}""", "cron")]
    [InlineData("""{"description":"x","cron":"0 9 * * MON","timeZone":"Nowhere/Atlantis"}""", "timeZone")]
    [InlineData("""{"description":"x","cron":"* * * * *","missed":"sometimes"}""", "missed")]
    [InlineData("""{"description":"x","cron":"* * * * *","priority":"SOON"}""", "priority")]
    [InlineData("""{"description":"x","cron":"* * * * *","scheduledFor":"2030-01-01T00:00:00Z"}""", "scheduledFor")]
    [InlineData("""{"description":"x","cron":"* * * * *","capabilities":"gpu"}""", "capabilities")]
    [InlineData("""[1]""", "body")]
    public async Task A_bad_schedule_is_refused_naming_the_field_and_writes_nothing(string body, string field)
    {
        using var client = StartHost();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/schedules", UriKind.Relative), content, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.GetRawText());
        (await CountAsync("select count(*) from task_schedules")).ShouldBe(0);
    }

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/schedules", body, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private Task<long> CountAsync(string sql, params object[] values) => TasksHost.ScalarAsync<long>(_connectionString, sql, values);
}
