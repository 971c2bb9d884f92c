using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Tasks;

public sealed class TaskQueueTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-actions-{Guid.NewGuid():N}.log");
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        File.Delete(_actionLog);
        return ValueTask.CompletedTask;
    }

    private Task<string> StatusAsync(Guid id) => TasksHost.ScalarAsync<string>(_connectionString, "select status from tasks where id = $1", id);

    [Fact]
    public async Task A_scheduled_task_is_not_claimed_before_its_time_and_is_claimed_promptly_after()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("sched", _actionLog), new ScriptedAgent(_actionLog, TimeSpan.Zero), clock);
        using var client = factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "steps:1", type = "SCHEDULED", scheduledFor = clock.GetUtcNow().AddMinutes(1) });

        // Many worker polls (every 200 ms) pass while the task is not yet due.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        (await StatusAsync(id)).ShouldBe("PENDING");
        clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        (await StatusAsync(id)).ShouldBe("PENDING");

        clock.Advance(TimeSpan.FromSeconds(2));
        var due = DateTimeOffset.UtcNow;
        await TasksHost.WaitUntilAsync(async () => await StatusAsync(id) == "COMPLETED", TimeSpan.FromSeconds(30));
        Measurements.Record($"scheduling: claimed and completed {(DateTimeOffset.UtcNow - due).TotalMilliseconds:0} ms after it became due");
        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);
        task.GetProperty("executedAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(task.GetProperty("scheduledFor").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_scheduled_task_wakes_the_worker_at_its_time_through_Wolverine_not_a_poll()
    {
        var settings = TasksHost.Settings("due", _actionLog);
        settings["Tasks:PollInterval"] = "01:00:00";
        await using var factory = TasksHost.Create(_connectionString, settings, new ScriptedAgent(_actionLog, TimeSpan.Zero));
        using var client = factory.CreateAuthenticatedClient();
        // The worker's first look finds nothing due; after it, only a wake-up can bring it back within the hour.
        var scheduledFor = DateTimeOffset.UtcNow.AddSeconds(4);
        var id = await TasksHost.CreateTaskAsync(client, new { description = "steps:1", scheduledFor });
        var envelopes = await TasksHost.ScalarAsync<long>(_connectionString,
            "select count(*) from wolverine_incoming_envelopes where message_type like '%TaskDue%'");

        await TasksHost.WaitUntilAsync(async () => await StatusAsync(id) == "COMPLETED", TimeSpan.FromSeconds(60));

        envelopes.ShouldBe(1, "the wake-up is stored with the task, in its transaction");
        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);
        var executedAt = task.GetProperty("executedAt").GetDateTimeOffset();
        executedAt.ShouldBeGreaterThanOrEqualTo(task.GetProperty("scheduledFor").GetDateTimeOffset());
        Measurements.Record($"scheduling: a TaskDue wake-up claimed the task {(executedAt - scheduledFor).TotalMilliseconds:0} ms after its time (no poll)");
    }

    [Fact]
    public async Task Higher_priority_runs_first_then_older_tasks()
    {
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("prio", _actionLog));
        using var client = factory.CreateAuthenticatedClient();
        var low = await TasksHost.CreateTaskAsync(client, new { description = "steps:1", priority = "LOW" });
        var oldMedium = await TasksHost.CreateTaskAsync(client, new { description = "steps:1" });
        var newMedium = await TasksHost.CreateTaskAsync(client, new { description = "steps:1" });
        var urgent = await TasksHost.CreateTaskAsync(client, new { description = "steps:1", priority = "URGENT" });
        var queue = factory.Services.GetRequiredService<Bytebot.Tasks.Queue.TaskQueue>();

        var order = new List<Guid>();
        for (var i = 0; i < 4; i++)
            order.Add((await queue.ClaimAsync("w", "prio", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), Ct))!.TaskId);

        order.ShouldBe([urgent, oldMedium, newMedium, low]);
        (await queue.ClaimAsync("w", "prio", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), Ct)).ShouldBeNull("every task is leased");
        (await queue.ClaimAsync("other-worker", "other-desktop", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_write_under_a_stale_lease_epoch_is_refused_and_writes_nothing()
    {
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("fence", _actionLog));
        using var client = factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "steps:1" });
        var queue = factory.Services.GetRequiredService<Bytebot.Tasks.Queue.TaskQueue>();
        var stale = (await queue.ClaimAsync("worker-a", "fence", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), Ct))!;
        await Task.Delay(50, Ct);
        var current = (await queue.ClaimAsync("worker-b", "fence", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), Ct))!;
        current.Epoch.ShouldBe(stale.Epoch + 1);
        // The task's own stream: a refused append may leave Marten a tombstone in its bookkeeping stream, not here.
        const string Log = "select type || ' ' || version from mt_events where stream_id = $1 order by seq_id";
        var before = await TasksHost.RowsAsync(_connectionString, Log, id);

        await Should.ThrowAsync<LeaseLostException>(() => TasksHost.AppendAsync(factory, id, stale,
            new Bytebot.Tasks.Events.StepStarted(Guid.NewGuid(), 1, DateTimeOffset.UtcNow)));
        (await queue.HeartbeatAsync(stale, TimeSpan.FromMinutes(1), Ct)).ShouldBeFalse();

        (await TasksHost.RowsAsync(_connectionString, Log, id)).Select(r => r[0]).ShouldBe(before.Select(r => r[0]));
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from task_steps")).ShouldBe(0);
        await TasksHost.AppendAsync(factory, id, current, new Bytebot.Tasks.Events.StepStarted(Guid.NewGuid(), 1, DateTimeOffset.UtcNow));
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from task_steps")).ShouldBe(1);
    }

    [Fact]
    public async Task After_a_cancel_the_lease_holder_cannot_start_another_action()
    {
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("cancel", _actionLog));
        using var client = factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "steps:1" });
        var queue = factory.Services.GetRequiredService<Bytebot.Tasks.Queue.TaskQueue>();
        var lease = (await queue.ClaimAsync("w", "cancel", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), Ct))!;

        (await client.PostAsync(new Uri($"/api/tasks/{id}/cancel", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

        await Should.ThrowAsync<LeaseLostException>(() => TasksHost.AppendAsync(factory, id, lease,
            new Bytebot.Tasks.Events.ActionStarted(Guid.NewGuid(), Guid.NewGuid(), "click", JsonSerializer.SerializeToElement(new { x = 1 }), DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Takeover_stops_the_agent_and_resume_continues_the_task_with_its_history()
    {
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("takeover", _actionLog), new ScriptedAgent(_actionLog, TimeSpan.FromMilliseconds(300)));
        using var client = factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "steps:4" });
        await TasksHost.WaitUntilAsync(async () => await StatusAsync(id) == "RUNNING", TimeSpan.FromSeconds(30));

        (await client.PostAsync(new Uri($"/api/tasks/{id}/takeover", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        await Task.Delay(1000, Ct);
        var stepsWhileHeld = await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from task_steps where task_id = $1", id);
        await Task.Delay(1000, Ct);
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from task_steps where task_id = $1", id)).ShouldBe(stepsWhileHeld, "no step starts while the user has control");
        (await client.PostAsync(new Uri($"/api/tasks/{id}/resume", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

        await TasksHost.WaitUntilAsync(async () => await StatusAsync(id) == "COMPLETED", TimeSpan.FromSeconds(30));
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", Ct);
        timeline.EnumerateArray().Count(s => s.GetProperty("outcome").GetString() == "completed").ShouldBeGreaterThanOrEqualTo(5);
        var completed = timeline.EnumerateArray().First(s => s.GetProperty("outcome").GetString() == "completed" && s.GetProperty("action").ValueKind == JsonValueKind.String);
        completed.GetProperty("action").GetString().ShouldBe("scripted_click");
        completed.GetProperty("durationMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        var processed = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages/processed?limit=100", Ct);
        processed[0].GetProperty("role").GetString().ShouldBe("USER");
        processed[1].GetProperty("role").GetString().ShouldBe("ASSISTANT");
    }

    [Fact]
    public async Task Replaying_the_log_through_the_read_model_projection_gives_exactly_the_live_read_models()
    {
        await using var factory = TasksHost.Create(_connectionString, TasksHost.Settings("rebuild", _actionLog), new ScriptedAgent(_actionLog, TimeSpan.Zero));
        using var client = factory.CreateAuthenticatedClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add(await TasksHost.CreateTaskAsync(client, new { description = $"steps:{i % 3 + 1}", priority = i % 2 == 0 ? "HIGH" : "LOW",
                files = new[] { new { name = $"f{i}.txt", base64 = Convert.ToBase64String([(byte)i]) } } }));
        await TasksHost.WaitUntilAsync(async () => await TasksHost.ScalarAsync<long>(_connectionString,
            "select count(*) from tasks where status = 'COMPLETED'") == 6, TimeSpan.FromSeconds(60));
        var pending = await TasksHost.CreateTaskAsync(client, new { description = "wait", type = "SCHEDULED", scheduledFor = DateTimeOffset.UtcNow.AddDays(1) });
        await client.PostAsJsonAsync($"/api/tasks/{pending}/messages", new { message = "more" }, Ct);
        await client.PostAsync(new Uri($"/api/tasks/{pending}/takeover", UriKind.Relative), null, Ct);
        await client.DeleteAsync(new Uri($"/api/tasks/{ids[0]}", UriKind.Relative), Ct);
        var cancelled = await TasksHost.CreateTaskAsync(client, new { description = "cancel", type = "SCHEDULED", scheduledFor = DateTimeOffset.UtcNow.AddDays(1) });
        await client.PostAsync(new Uri($"/api/tasks/{cancelled}/cancel", UriKind.Relative), null, Ct);
        string[] tables = ["tasks", "task_status_counts", "task_messages", "task_summaries", "task_files", "task_steps"];
        var live = await SnapshotAsync(tables);
        live["task_steps"].Count.ShouldBeGreaterThan(5);

        await using (var session = factory.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.QueueSqlCommand($"truncate {string.Join(", ", tables)}");
            var log = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync(Ct);
            await new Bytebot.Tasks.ReadModels.TaskReadModelProjection().ApplyAsync(session, log, Ct);
            await session.SaveChangesAsync(Ct);
        }

        var rebuilt = await SnapshotAsync(tables);
        foreach (var table in tables)
            rebuilt[table].ShouldBe(live[table], $"table {table}");
    }

    private async Task<Dictionary<string, List<string>>> SnapshotAsync(string[] tables)
    {
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            // Counts are kept in a slot per writing connection; what they mean is their sum per status.
            var query = table == "task_status_counts"
                ? "select status || '=' || sum(count) from task_status_counts group by status having sum(count) <> 0 order by 1"
                : $"select t::text from {table} t order by 1";
            snapshot[table] = [.. (await TasksHost.RowsAsync(_connectionString, query)).Select(r => (string)r[0]!)];
        }
        return snapshot;
    }
}
