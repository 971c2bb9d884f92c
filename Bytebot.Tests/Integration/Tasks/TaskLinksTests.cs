using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>
/// Issue 20, acceptance 2, and tags and due dates, through HTTP on a real host and PostgreSQL. The agent is scripted:
/// a task described "gate" waits until the test opens it, "fail" fails its first run (a retry completes), any other
/// completes at once.
/// </summary>
public sealed class TaskLinksTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly string[] OpsAndBilling = [" Ops ", "billing", "ops"];
    private static readonly string[] Ops = ["ops"];
    private static readonly string[] Home = ["home"];

    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-links-{Guid.NewGuid():N}.log");
    private readonly GatedAgent _agent = new();
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        File.Delete(_actionLog);
        return ValueTask.CompletedTask;
    }

    private BytebotHostFactory Host(string onFailure = "Hold")
    {
        var settings = TasksHost.Settings("links", _actionLog);
        settings["Tasks:Dependencies:OnFailure"] = onFailure;
        settings["Tasks:MaxConcurrentTasks"] = "2";
        return TasksHost.Create(_connectionString, settings, _agent);
    }

    private static async Task<JsonElement> TaskAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);

    private static async Task<JsonElement> WaitForAsync(HttpClient client, Guid id, string status)
    {
        JsonElement task = default;
        await TasksHost.WaitUntilAsync(async () =>
            (task = await TaskAsync(client, id)).GetProperty("status").GetString() == status, Limit);
        return task;
    }

    // 0: no such event.
    private Task<long> SequenceAsync(Guid id, string type) => TasksHost.ScalarAsync<long>(_connectionString,
        "select coalesce(min(seq_id), 0) from mt_events where stream_id = $1 and type = $2", id, type);

    [Fact]
    public async Task A_dependent_task_starts_only_after_its_dependency_completed()
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();
        var a = await TasksHost.CreateTaskAsync(client, new { description = "gate" });
        var b = await TasksHost.CreateTaskAsync(client, new { description = "after a", dependsOn = new[] { a } });
        await WaitForAsync(client, a, "RUNNING");

        // Two workers and many polls pass while A runs: B is free to be claimed but for its dependency.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        var waiting = await TaskAsync(client, b);
        waiting.GetProperty("status").GetString().ShouldBe("PENDING");
        waiting.GetProperty("waitingFor").GetString().ShouldBe($"waiting for task {a} to complete");
        waiting.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetGuid()).ShouldBe([a]);
        (await SequenceAsync(b, TaskEventNames.TaskStarted)).ShouldBe(0);
        _agent.Open(a);

        await WaitForAsync(client, b, "COMPLETED");
        var completedA = (await SequenceAsync(a, TaskEventNames.TaskCompleted));
        var startedB = (await SequenceAsync(b, TaskEventNames.TaskStarted));
        startedB.ShouldBeGreaterThan(completedA);
        var a1 = await TaskAsync(client, a);
        var b1 = await TaskAsync(client, b);
        b1.GetProperty("executedAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(a1.GetProperty("completedAt").GetDateTimeOffset());
        b1.GetProperty("waitingFor").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task With_its_dependency_failed_a_dependent_is_held_with_the_reason_and_runs_once_a_retry_completes()
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();
        var a = await TasksHost.CreateTaskAsync(client, new { description = "fail" });
        var b = await TasksHost.CreateTaskAsync(client, new { description = "after a", dependsOn = new[] { a.ToString() } });
        await WaitForAsync(client, a, "FAILED");

        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        var held = await TaskAsync(client, b);
        held.GetProperty("status").GetString().ShouldBe("PENDING");
        held.GetProperty("waitingFor").GetString().ShouldBe($"held: dependency {a} is FAILED");
        (await SequenceAsync(b, TaskEventNames.TaskStarted)).ShouldBe(0);
        (await client.PostAsync(new Uri($"/api/tasks/{a}/retry", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

        await WaitForAsync(client, b, "COMPLETED");
        (await SequenceAsync(b, TaskEventNames.TaskStarted))
            .ShouldBeGreaterThan((await SequenceAsync(a, TaskEventNames.TaskCompleted)));
    }

    [Fact]
    public async Task Under_OnFailure_Fail_a_dependent_of_a_failed_or_cancelled_task_fails_with_the_reason()
    {
        await using var host = Host("Fail");
        using var client = host.CreateAuthenticatedClient();
        var failing = await TasksHost.CreateTaskAsync(client, new { description = "fail" });
        var gated = await TasksHost.CreateTaskAsync(client, new { description = "gate" });
        var afterFailed = await TasksHost.CreateTaskAsync(client, new { description = "x", dependsOn = new[] { failing } });
        var afterCancelled = await TasksHost.CreateTaskAsync(client, new { description = "y", dependsOn = new[] { gated } });
        await WaitForAsync(client, gated, "RUNNING");
        (await client.PostAsync(new Uri($"/api/tasks/{gated}/cancel", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

        var failed = await WaitForAsync(client, afterFailed, "FAILED");
        failed.GetProperty("error").GetString().ShouldBe($"Dependency {failing} is FAILED.");
        var cancelled = await WaitForAsync(client, afterCancelled, "FAILED");
        cancelled.GetProperty("error").GetString().ShouldBe($"Dependency {gated} is CANCELLED.");
        (await SequenceAsync(afterFailed, TaskEventNames.TaskStarted)).ShouldBe(0);
        (await TasksHost.ScalarAsync<long>(_connectionString,
            "select count(*) from mt_events where stream_id = $1 and type = 'tasks.task_failed'", afterFailed)).ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"description":"x","dependsOn":["not-a-guid"]}""", "dependsOn[0]")]
    [InlineData("""{"description":"x","dependsOn":["0190a6d8-0000-7000-8000-000000000000"]}""", "dependsOn[0]")]
    [InlineData("""{"description":"x","tags":["ok","bad tag"]}""", "tags[1]")]
    [InlineData("""{"description":"x","tags":[""]}""", "tags[0]")]
    [InlineData("""{"description":"x","dueAt":"tomorrow"}""", "dueAt")]
    public async Task Bad_links_are_problem_json_naming_the_field_and_create_nothing(string body, string field)
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();

        using var response = await client.PostAsync(new Uri("/api/tasks", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from mt_events")).ShouldBe(0);
    }

    [Fact]
    public async Task Tags_are_normalised_and_filter_the_list_and_a_passed_due_date_marks_unfinished_tasks_overdue()
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();
        var past = DateTimeOffset.UtcNow.AddHours(-1);
        var overdue = await TasksHost.CreateTaskAsync(client, new { description = "gate", tags = OpsAndBilling, dueAt = past });
        var done = await TasksHost.CreateTaskAsync(client, new { description = "done", tags = Ops, dueAt = past });
        var later = await TasksHost.CreateTaskAsync(client, new { description = "gate", tags = Home, dueAt = past.AddDays(2) });
        await WaitForAsync(client, done, "COMPLETED");

        var view = await TaskAsync(client, overdue);
        view.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["billing", "ops"]);
        view.GetProperty("dueAt").GetDateTimeOffset().ShouldBe(past, TimeSpan.FromMilliseconds(1));
        view.GetProperty("overdue").GetBoolean().ShouldBeTrue();
        (await TaskAsync(client, done)).GetProperty("overdue").GetBoolean().ShouldBeFalse();
        (await TaskAsync(client, later)).GetProperty("overdue").GetBoolean().ShouldBeFalse();

        var ops = await client.GetFromJsonAsync<JsonElement>("/api/tasks?tag=OPS&limit=50", Ct);
        ops.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ShouldBe([done, overdue]);
        ops.GetProperty("total").GetInt64().ShouldBe(2);
        var listed = ops.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == overdue);
        listed.GetProperty("overdue").GetBoolean().ShouldBeTrue();
        var home = await client.GetFromJsonAsync<JsonElement>("/api/tasks?tag=home&statuses=PENDING,RUNNING", Ct);
        home.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ShouldBe([later]);
        using var bad = await client.GetAsync(new Uri("/api/tasks?tag=no%20spaces", UriKind.Relative), Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("tag", out _).ShouldBeTrue();
        _agent.Open(overdue);
        _agent.Open(later);
    }

    /// <summary>"gate" waits for <see cref="Open"/>; "fail" fails its first run; anything else completes.</summary>
    private sealed class GatedAgent : ITaskAgent
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _gates = new();
        private readonly ConcurrentDictionary<Guid, bool> _failed = new();

        public void Open(Guid taskId) => Gate(taskId).TrySetResult();

        private TaskCompletionSource Gate(Guid taskId) =>
            _gates.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new StepRun(async token =>
        {
            if (task.Description == "fail" && _failed.TryAdd(task.TaskId, true))
                return StepOutcome.Fail("The scripted agent failed this run.");
            if (task.Description == "gate")
                await Gate(task.TaskId).Task.WaitAsync(token);
            return StepOutcome.Complete();
        });
    }
}
