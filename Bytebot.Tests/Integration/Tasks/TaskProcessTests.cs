using System.Diagnostics;
using System.Globalization;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>
/// The real host as child processes (see <c>TestEntryPoint</c>) on one PostgreSQL, with the scripted agent:
/// several hosts sharing the queue, and kill -9 at random points.
/// </summary>
public sealed class TaskProcessTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-proc-").FullName;
    private string _connectionString = "";
    private BareXvfb? _xvfb;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ActionLog => Path.Combine(_workDir, "actions.log");

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        // One X server for all child hosts, so /health/ready means what it means in production.
        _xvfb = await BareXvfb.StartAsync(640, 480, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_xvfb is not null)
            await _xvfb.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    private Dictionary<string, string?> Settings(string desktopId, int concurrency, int actionMs)
    {
        var settings = TasksHost.Settings(desktopId, ActionLog);
        settings["ConnectionStrings:Bytebot"] = _connectionString;
        settings["BYTEBOT_TOKEN"] = "bbt_test_processes0123456789abcdef";
        settings["BYTEBOT_DATA_DIR"] = Path.Combine(_workDir, desktopId);
        settings["DISPLAY"] = _xvfb!.Display;
        settings["Tasks:MaxConcurrentTasks"] = concurrency.ToString(CultureInfo.InvariantCulture);
        settings["Scripted:ActionMs"] = actionMs.ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    private Task<List<object?[]>> RowsAsync(string sql, params object[] values) => TasksHost.RowsAsync(_connectionString, sql, values);

    [Fact]
    public async Task Two_host_processes_on_one_database_run_20_tasks_exactly_once_and_never_write_under_a_stale_epoch()
    {
        await using var a = await HostProcess.StartAsync(Settings("desk-a", 2, 20), Ct);
        await using var b = await HostProcess.StartAsync(Settings("desk-b", 2, 20), Ct);
        await Task.WhenAll(a.WaitUntilReadyAsync(Ct), b.WaitUntilReadyAsync(Ct));
        var started = Stopwatch.StartNew();
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
            ids.Add(await TasksHost.CreateTaskAsync(i % 2 == 0 ? a.Client : b.Client, new { description = "steps:3" }));

        await TasksHost.WaitUntilAsync(async () => await TasksHost.ScalarAsync<long>(_connectionString,
            "select count(*) from tasks where status = 'COMPLETED'") == 20, TimeSpan.FromSeconds(180));
        Measurements.Record($"two hosts: 20 tasks x 3 steps completed in {started.ElapsedMilliseconds} ms");

        var starts = await RowsAsync("select stream_id::text, data->>'desktopId' from mt_events where type = 'tasks.task_started'");
        starts.Count.ShouldBe(20, "every task started exactly once");
        starts.Select(r => (string)r[0]!).Distinct().Count().ShouldBe(20);
        starts.Select(r => (string)r[1]!).Distinct().Count().ShouldBe(2, "both hosts claimed tasks");
        var witnessed = WitnessedActions();
        witnessed.Count.ShouldBe(60);
        witnessed.GroupBy(w => w.TaskId).ShouldAllBe(g => g.Count() == 3);
        await ShouldHoldRuleXAsync(witnessed);
        await ShouldHaveNoStaleEpochWritesAsync();
    }

    [Fact]
    public async Task A_live_event_reaches_the_stream_of_the_host_that_wrote_it_and_of_another_host_the_same()
    {
        await using var a = await HostProcess.StartAsync(Settings("desk-a", 1, 20), Ct);
        await using var b = await HostProcess.StartAsync(Settings("desk-b", 1, 20), Ct);
        await Task.WhenAll(a.WaitUntilReadyAsync(Ct), b.WaitUntilReadyAsync(Ct));
        var id = await TasksHost.CreateTaskAsync(a.Client, new
        {
            description = "waits", type = "SCHEDULED", scheduledFor = DateTimeOffset.UtcNow.AddHours(1),
        });
        var onA = TasksApiTests.ReadEventsAsync(a.Client, id, lastEventId: null, count: 3);
        var onB = TasksApiTests.ReadEventsAsync(b.Client, id, lastEventId: null, count: 3);
        await Task.Delay(500, Ct);

        // Host A publishes its own append from memory; host B reads it from the log after A's announcement.
        var cancelledAt = DateTimeOffset.UtcNow;
        var cancel = new Uri($"/api/tasks/{id}/cancel", UriKind.Relative);
        (await a.Client.PostAsync(cancel, null, Ct)).EnsureSuccessStatusCode();

        var (own, other) = ((await onA)[2], (await onB)[2]);
        own.Type.ShouldBe("tasks.task_cancelled");
        other.Id.ShouldBe(own.Id);
        other.Type.ShouldBe(own.Type);
        other.Data.GetProperty("version").GetInt64().ShouldBe(3);
        own.Data.GetProperty("version").GetInt64().ShouldBe(3);
        other.Data.GetProperty("data").GetRawText().ShouldBe(own.Data.GetProperty("data").GetRawText());
        foreach (var at in new[] { own, other }.Select(e => e.Data.GetProperty("createdAt").GetDateTimeOffset()))
            (at - cancelledAt).Duration().ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Killing_the_host_with_SIGKILL_20_times_loses_no_task_duplicates_no_event_and_never_replays_a_started_action()
    {
        const int Kills = 20;
        var random = new Random(4);
        var settings = Settings("crash-desk", 5, 100);
        var ids = new List<Guid>();
        var recoveries = new List<double>();
        var uptimes = new List<int>();
        for (var run = 0; run < Kills; run++)
        {
            var position = ids.Count == 0 ? 0 : await TasksHost.ScalarAsync<long>(_connectionString, "select coalesce(max(seq_id), 0) from mt_events");
            var running = ids.Count == 0 ? [] : (await RowsAsync("select id from tasks where status = 'RUNNING'")).Select(r => (Guid)r[0]!).ToList();
            await using var host = await HostProcess.StartAsync(settings, Ct);
            var ready = await host.WaitUntilReadyAsync(Ct);
            if (ids.Count == 0)
            {
                for (var i = 0; i < 5; i++)
                    ids.Add(await TasksHost.CreateTaskAsync(host.Client, new { description = "steps:40" }));
            }
            // Every task that was RUNNING at the kill must be resumed (a new TaskStarted, with its open step interrupted).
            await TasksHost.WaitUntilAsync(async () =>
            {
                var resumed = (await RowsAsync("select distinct stream_id::text from mt_events where type = 'tasks.task_started' and seq_id > $1", position))
                    .Select(r => (string)r[0]!).ToHashSet();
                return running.All(id => resumed.Contains(id.ToString()));
            }, TimeSpan.FromSeconds(60));
            if (running.Count > 0)
                recoveries.Add(Math.Max(0, (DateTimeOffset.UtcNow - ready).TotalMilliseconds));
            var uptime = random.Next(300, 1500);
            uptimes.Add(uptime);
            await Task.Delay(uptime, Ct);
            await host.KillAsync();
        }
        await using (var final = await HostProcess.StartAsync(settings, Ct))
        {
            await final.WaitUntilReadyAsync(Ct);
            await TasksHost.WaitUntilAsync(async () => await TasksHost.ScalarAsync<long>(_connectionString,
                "select count(*) from tasks where status = 'COMPLETED'") == 5, TimeSpan.FromSeconds(180));
        }

        var interrupted = await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from mt_events where type = 'tasks.step_interrupted'");
        var openActions = await TasksHost.ScalarAsync<long>(_connectionString,
            "select count(*) from mt_events where type = 'tasks.step_interrupted' and data->>'actionId' is not null");
        recoveries.Sort();
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"crash: {Kills} SIGKILLs (uptime {uptimes.Min()}-{uptimes.Max()} ms), {interrupted} steps interrupted, {openActions} with an action started and not completed; " +
            $"recovery after ready: {recoveries.Count} restarts with running tasks, median {recoveries[recoveries.Count / 2]:0} ms, max {recoveries[^1]:0} ms"));
        recoveries.ShouldAllBe(ms => ms <= 10_000, "every RUNNING task is resumed or marked interrupted within 10 s of readiness");
        (await RowsAsync("select id from tasks where status = 'COMPLETED'")).Count.ShouldBe(5, "no task lost");
        (await RowsAsync("select stream_id from mt_events where type = 'tasks.task_completed' group by stream_id having count(*) > 1")).ShouldBeEmpty();
        (await RowsAsync("select data->>'stepId' from mt_events where type = 'tasks.step_started' group by 1 having count(*) > 1")).ShouldBeEmpty("no duplicate step");
        (await RowsAsync("select data->>'actionId' from mt_events where type = 'tasks.action_started' group by 1 having count(*) > 1")).ShouldBeEmpty("no duplicate action");
        (await RowsAsync("select stream_id from mt_events group by stream_id having max(version) <> count(*)")).ShouldBeEmpty("versions have no gaps");
        var witnessed = WitnessedActions();
        await ShouldHoldRuleXAsync(witnessed);
        await ShouldHaveNoStaleEpochWritesAsync();
        // The scripted agent counts steps by its messages; a kill between an action and its message repeats the
        // step as a new action (re-observation), never the recorded one.
        witnessed.GroupBy(w => w.TaskId).ShouldAllBe(g => g.Count() >= 40);
    }

    private List<(Guid TaskId, Guid ActionId)> WitnessedActions() =>
        [.. File.ReadAllLines(ActionLog)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 2 && Guid.TryParse(parts[1], out _))
            .Select(parts => (Guid.Parse(parts[0]), Guid.Parse(parts[1])))];

    /// <summary>Each action executed at most once, and only after its ActionStarted was committed.</summary>
    private async Task ShouldHoldRuleXAsync(List<(Guid TaskId, Guid ActionId)> witnessed)
    {
        witnessed.GroupBy(w => w.ActionId).Where(g => g.Count() > 1).ShouldBeEmpty("no action executed twice");
        var recorded = (await RowsAsync("select (data->>'actionId')::uuid from mt_events where type = 'tasks.action_started'"))
            .Select(r => (Guid)r[0]!).ToHashSet();
        witnessed.Where(w => !recorded.Contains(w.ActionId)).ShouldBeEmpty("no action executed without a committed ActionStarted");
    }

    /// <summary>Within a stream, the lease epochs of accepted writes never go down: no write under a replaced lease.</summary>
    private async Task ShouldHaveNoStaleEpochWritesAsync()
    {
        var rows = await RowsAsync("""
            select stream_id::text, (headers->>'lease_epoch')::bigint from mt_events
            where headers ? 'lease_epoch' order by stream_id, version
            """);
        foreach (var stream in rows.GroupBy(r => (string)r[0]!))
        {
            var epochs = stream.Select(r => (long)r[1]!).ToList();
            epochs.ShouldBe(epochs.Order().ToList(), $"{stream.Key} epochs only grow");
        }
        (await RowsAsync("""
            select e.stream_id from mt_events e join task_queue q on e.stream_id = q.task_id
            where (e.headers->>'lease_epoch')::bigint > q.lease_epoch
            """)).ShouldBeEmpty("no write carries an epoch the queue never issued");
    }
}
