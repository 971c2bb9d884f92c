using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>
/// The gate and the approvals API on a real host and PostgreSQL, with no dashboard: an approvals stream client is the
/// only approver, so with none connected an <c>ask</c> is denied at once.
/// </summary>
public sealed class ApprovalsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Destructive = """{"text":"rm -rf ~/projects\n"}""";

    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-approvals-{Guid.NewGuid():N}.log");
    private BytebotHostFactory? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BytebotHostFactory Host => _host!;

    private IToolGate Gate => Host.Services.GetRequiredService<IToolGate>();

    public async ValueTask InitializeAsync() => _host = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        File.Delete(_actionLog);
    }

    private async Task<BytebotHostFactory> StartAsync(
        string timeout = "00:02:00", ITaskAgent? agent = null, params (string Key, string Value)[] extra)
    {
        var settings = TasksHost.Settings("approvals", _actionLog);
        settings["Agent:Policy:ApprovalTimeout"] = timeout;
        foreach (var (key, value) in extra)
            settings[key] = value;
        var host = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings, agent);
        // Started (database up, migrated) once the first client exists; "ready" would also need a display.
        using var client = host.CreateAuthenticatedClient();
        (await client.GetAsync(new Uri("/api/approvals", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        return host;
    }

    private static ToolCallSubject Subject(string arguments = Destructive, Guid? taskId = null) =>
        new(taskId, "computer_type_text", arguments, "mcp");

    [Fact]
    public async Task A_pending_approval_is_listed_masked_and_approving_it_allows_the_call_once()
    {
        using var client = Host.CreateAuthenticatedClient();
        await using var stream = await ApprovalStreamClient.OpenAsync(client);

        var check = Gate.CheckAsync(Subject("""{"text":"rm -rf / # hunter2","isSensitive":true}"""), Ct);
        var requested = await stream.NextAsync("approval_requested");
        var id = requested.GetProperty("id").GetGuid();

        var pending = await client.GetFromJsonAsync<JsonElement>("/api/approvals?status=pending", Ct);
        var listed = pending.EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == id);
        listed.GetProperty("tool").GetString().ShouldBe("computer_type_text");
        listed.GetProperty("status").GetString().ShouldBe("pending");
        listed.GetProperty("reason").GetString()!.ShouldStartWith("built-in: destructive shell line");
        listed.GetProperty("input").GetProperty("text").GetString().ShouldBe("[sensitive text, not stored]");
        listed.GetProperty("expiresAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        listed.GetRawText().ShouldNotContain("hunter2");
        check.IsCompleted.ShouldBeFalse("the call waits for the decision");

        using var approve = await client.PostAsJsonAsync($"/api/approvals/{id}/approve", new { note = "go" }, Ct);
        approve.StatusCode.ShouldBe(HttpStatusCode.OK);

        var verdict = await check.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        verdict.ShouldBe(new GateVerdict(true, "approved by admin: go"));
        (await stream.NextAsync("approval_decided")).GetProperty("status").GetString().ShouldBe("approved");
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/approvals/{id}", Ct);
        stored.GetProperty("status").GetString().ShouldBe("approved");
        stored.GetProperty("decidedBy").GetString().ShouldBe("admin");
        using var again = await client.PostAsync(new Uri($"/api/approvals/{id}/deny", UriKind.Relative), null, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        again.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await client.GetFromJsonAsync<JsonElement>("/api/approvals?status=pending", Ct)).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Denying_an_approval_refuses_the_call_with_the_note()
    {
        using var client = Host.CreateAuthenticatedClient();
        await using var stream = await ApprovalStreamClient.OpenAsync(client);

        var check = Gate.CheckAsync(Subject(), Ct);
        var id = (await stream.NextAsync("approval_requested")).GetProperty("id").GetGuid();
        using var deny = await client.PostAsJsonAsync(
            $"/api/approvals/{id}/deny", new { note = "not that folder" }, Ct);
        deny.StatusCode.ShouldBe(HttpStatusCode.OK);

        var verdict = await check.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        verdict.ShouldBe(new GateVerdict(false, "denied by admin: not that folder"));
        var denied = await client.GetFromJsonAsync<JsonElement>("/api/approvals?status=denied", Ct);
        denied.EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(id);
    }

    [Fact]
    public async Task With_no_approver_reachable_an_ask_is_denied_at_once_and_nothing_waits()
    {
        using var client = Host.CreateAuthenticatedClient();

        var verdict = await Gate.CheckAsync(Subject(), Ct);

        verdict.Allowed.ShouldBeFalse();
        verdict.Reason.ShouldStartWith("no approver is reachable; the action was denied");
        (await client.GetFromJsonAsync<JsonElement>("/api/approvals", Ct)).GetArrayLength().ShouldBe(0);
        (await Gate.CheckAsync(Subject("""{"text":"ls"}"""), Ct)).Allowed.ShouldBeTrue("an allowed call needs nobody");
    }

    [Fact]
    public async Task An_approval_nobody_decides_expires_and_the_call_is_refused()
    {
        await using var host = await StartAsync(timeout: "00:00:01");
        using var client = host.CreateAuthenticatedClient();
        await using var stream = await ApprovalStreamClient.OpenAsync(client);

        var verdict = await host.Services.GetRequiredService<IToolGate>().CheckAsync(Subject(), Ct)
            .WaitAsync(TimeSpan.FromSeconds(30), Ct);

        verdict.Allowed.ShouldBeFalse();
        verdict.Reason.ShouldContain("expired");
        var expired = (await client.GetFromJsonAsync<JsonElement>("/api/approvals?status=expired", Ct))
            .EnumerateArray().Single();
        expired.GetProperty("decidedBy").GetString().ShouldBe("timeout");
        (await stream.NextAsync("approval_decided")).GetProperty("status").GetString().ShouldBe("expired");
    }

    [Fact]
    public async Task A_caller_that_gives_up_gets_its_cancellation_and_the_approval_expires()
    {
        using var client = Host.CreateAuthenticatedClient();
        await using var stream = await ApprovalStreamClient.OpenAsync(client);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var check = Gate.CheckAsync(Subject(), cancel.Token);
        var id = (await stream.NextAsync("approval_requested")).GetProperty("id").GetGuid();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => check.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/approvals/{id}", Ct);
        stored.GetProperty("status").GetString().ShouldBe("expired");
        stored.GetProperty("decidedBy").GetString().ShouldBe("cancelled");
    }

    [Theory]
    [InlineData("GET", "/api/approvals?status=nope", null, HttpStatusCode.BadRequest, "status")]
    [InlineData("GET", "/api/approvals/not-a-guid", null, HttpStatusCode.BadRequest, "id")]
    [InlineData("POST", "/api/approvals/not-a-guid/approve", null, HttpStatusCode.BadRequest, "id")]
    [InlineData("POST", "/api/approvals/{new}/approve", "[1]", HttpStatusCode.BadRequest, "body")]
    [InlineData("POST", "/api/approvals/{new}/deny", """{"note":5}""", HttpStatusCode.BadRequest, "note")]
    [InlineData("GET", "/api/approvals/{new}", null, HttpStatusCode.NotFound, null)]
    [InlineData("POST", "/api/approvals/{new}/approve", null, HttpStatusCode.NotFound, null)]
    [InlineData("POST", "/api/approvals/{new}/deny", "{}", HttpStatusCode.NotFound, null)]
    public async Task Bad_ids_statuses_and_bodies_are_problem_json_naming_the_field(
        string method, string url, string? body, HttpStatusCode status, string? field)
    {
        using var client = Host.CreateAuthenticatedClient();
        using var request = new HttpRequestMessage(new HttpMethod(method),
            url.Replace("{new}", Guid.CreateVersion7().ToString(), StringComparison.Ordinal))
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue($"names '{field}': {problem}");
        }
    }

    [Fact]
    public async Task The_tasks_timeline_shows_the_approval_decided_and_the_call_a_deny_rule_refused()
    {
        var agent = new GatedAgent(_actionLog);
        await using var host = await StartAsync(agent: agent, extra:
        [
            ("Agent:Policy:Rules:0:Tool", "computer_paste_text"),
            ("Agent:Policy:Rules:0:Match", "password"),
            ("Agent:Policy:Rules:0:Decision", "deny"),
        ]);
        agent.Gate = host.Services.GetRequiredService<IToolGate>();
        using var client = host.CreateAuthenticatedClient();
        await using var stream = await ApprovalStreamClient.OpenAsync(client);

        var taskId = await TasksHost.CreateTaskAsync(client, new { description = "gated" });
        var requested = await stream.NextAsync("approval_requested");
        requested.GetProperty("taskId").GetGuid().ShouldBe(taskId);
        File.Exists(_actionLog).ShouldBeFalse("nothing runs before the approval");
        using var approve = await client.PostAsync(
            new Uri($"/api/approvals/{requested.GetProperty("id").GetGuid()}/approve", UriKind.Relative), null, Ct);
        approve.StatusCode.ShouldBe(HttpStatusCode.OK);

        var steps = await WaitForTimelineAsync(client, taskId, approvals: 2);
        var approvals = steps.EnumerateArray().SelectMany(s => s.GetProperty("approvals").EnumerateArray()).ToList();
        approvals[0].GetProperty("tool").GetString().ShouldBe("computer_type_text");
        approvals[0].GetProperty("decision").GetString().ShouldBe("approved");
        approvals[0].GetProperty("decidedBy").GetString().ShouldBe("admin");
        approvals[0].GetProperty("requestedAt").ValueKind.ShouldBe(JsonValueKind.String);
        approvals[1].GetProperty("tool").GetString().ShouldBe("computer_paste_text");
        approvals[1].GetProperty("decision").GetString().ShouldBe("denied");
        approvals[1].GetProperty("decidedBy").GetString().ShouldBe("policy");
        approvals[1].GetProperty("decidedReason").GetString()!.ShouldContain("rule 0");
        (await File.ReadAllLinesAsync(_actionLog, Ct)).Length
            .ShouldBe(1, "the approved call ran once, the denied one never");
    }

    private static async Task<JsonElement> WaitForTimelineAsync(HttpClient client, Guid taskId, int approvals)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var steps = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/timeline", limit.Token);
            var decided = steps.EnumerateArray().SelectMany(s => s.GetProperty("approvals").EnumerateArray())
                .Count(a => a.GetProperty("decision").ValueKind == JsonValueKind.String);
            if (decided >= approvals)
                return steps;
            await Task.Delay(100, limit.Token);
        }
    }

    /// <summary>One step: types a destructive line through the gate, then pastes what a deny rule refuses.</summary>
    private sealed class GatedAgent(string actionLog) : ITaskAgent
    {
        public IToolGate? Gate { get; set; }

        public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new StepRun(async ct =>
        {
            foreach (var (tool, arguments) in new[]
                     {
                         ("computer_type_text", Destructive), ("computer_paste_text", """{"text":"my password"}"""),
                     })
            {
                var verdict = await Gate!.CheckAsync(new ToolCallSubject(task.TaskId, tool, arguments, "agent"), ct);
                if (!verdict.Allowed)
                    continue;
                using var input = JsonDocument.Parse(arguments);
                await recorder.ExecuteActionAsync(tool, input.RootElement.Clone(), (actionId, _) =>
                {
                    ScriptedAgent.Witness(actionLog, task.TaskId, actionId);
                    return Task.FromResult(new ActionResult(true));
                }, ct);
            }
            return StepOutcome.Complete();
        });
    }
}
