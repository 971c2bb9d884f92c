using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Nodes;

/// <summary>
/// Issue 15 acceptance 1 and 2: host processes (the scripted agent, one shared X server, no managed desktop: the
/// desktop is not the point here) as nodes on one PostgreSQL.
/// </summary>
public sealed class NodeRoutingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-nodes-").FullName;
    private string _connectionString = "";
    private BareXvfb? _xvfb;

    private static readonly string[] Gpu = ["gpu"];
    private static readonly string[] Alpha = ["alpha"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync();
        _xvfb = await BareXvfb.StartAsync(640, 480, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_xvfb is not null)
            await _xvfb.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    private Dictionary<string, string?> Settings(string name, params string[] capabilities)
    {
        var settings = TasksHost.Settings(name, Path.Combine(_workDir, "actions.log"));
        // Tasks:DesktopId (set by TasksHost) is the alias; alpha and gamma also name themselves the new way.
        if (name != "beta")
            settings["Node:Name"] = name;
        for (var i = 0; i < capabilities.Length; i++)
            settings[$"Node:Capabilities:{i}"] = capabilities[i];
        settings["ConnectionStrings:Bytebot"] = _connectionString;
        settings["BYTEBOT_TOKEN"] = "bbt_test_nodes0123456789abcdef0123";
        settings["BYTEBOT_DATA_DIR"] = Path.Combine(_workDir, name);
        settings["DISPLAY"] = _xvfb!.Display;
        settings["Scripted:ActionMs"] = "100";
        return settings;
    }

    private static async Task<List<JsonElement>> NodesAsync(HostProcess host) =>
        [.. (await host.Client.GetFromJsonAsync<JsonElement>("/api/nodes", Ct)).EnumerateArray()];

    private static async Task<string?> StatusOfAsync(HostProcess host, string name) =>
        (await NodesAsync(host)).FirstOrDefault(n => n.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } n
            ? n.GetProperty("status").GetString() : null;

    private static async Task<JsonElement> TaskAsync(HostProcess host, Guid id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);

    private async Task<List<string>> StartedOnAsync(Guid id) =>
        [.. (await TasksHost.RowsAsync(_connectionString,
            "select data->>'desktopId' from mt_events where type = 'tasks.task_started' and stream_id = $1 order by version", id))
            .Select(r => (string)r[0]!)];

    private static async Task WaitForStatusAsync(HostProcess host, Guid id, string status, int seconds = 60)
    {
        try
        {
            await TasksHost.WaitUntilAsync(async () => (await TaskAsync(host, id)).GetProperty("status").GetString() == status,
                TimeSpan.FromSeconds(seconds));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Task {id} is not {status}: {await TaskAsync(host, id)}");
        }
    }

    private static async Task WaitForNodesAsync(HostProcess host, int online)
    {
        await TasksHost.WaitUntilAsync(async () => (await NodesAsync(host)).Count(n => n.GetProperty("status").GetString() == "online")
            == online, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Three_nodes_list_each_other_online_and_a_task_runs_on_the_node_it_names_or_the_one_with_its_capability()
    {
        await using var alpha = await HostProcess.StartAsync(Settings("alpha", "firefox"), Ct);
        await using var beta = await HostProcess.StartAsync(Settings("beta", "firefox"), Ct);
        await using var gamma = await HostProcess.StartAsync(Settings("gamma", "GPU", "firefox"), Ct);
        await Task.WhenAll(alpha.WaitUntilReadyAsync(Ct), beta.WaitUntilReadyAsync(Ct), gamma.WaitUntilReadyAsync(Ct));

        foreach (var host in new[] { alpha, beta, gamma })
            await WaitForNodesAsync(host, 3);
        var listed = await NodesAsync(beta);
        listed.Select(n => n.GetProperty("name").GetString()).ShouldBe(["alpha", "beta", "gamma"]);
        var g = listed[2];
        g.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ShouldContain("gpu");
        listed[0].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ShouldNotContain("gpu");
        g.GetProperty("desktop").GetProperty("width").GetInt32().ShouldBeGreaterThan(0);
        g.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
        g.GetProperty("runningTasks").GetInt32().ShouldBe(0);

        var forBeta = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:2", node = "beta" });
        var forGpu = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:2", capabilities = Gpu });
        var anywhere = new List<Guid>();
        for (var i = 0; i < 6; i++)
            anywhere.Add(await TasksHost.CreateTaskAsync(beta.Client, new { description = "steps:1" }));
        foreach (var id in anywhere.Append(forBeta).Append(forGpu))
            await WaitForStatusAsync(alpha, id, "COMPLETED");

        (await StartedOnAsync(forBeta)).ShouldBe(["beta"]);
        (await StartedOnAsync(forGpu)).ShouldBe(["gamma"]);
        foreach (var id in anywhere)
            (await StartedOnAsync(id)).Count.ShouldBe(1, "an unrouted task runs once, on any node");
        (await TaskAsync(gamma, forBeta)).GetProperty("node").GetString().ShouldBe("beta");
    }

    [Fact]
    public async Task A_draining_node_claims_nothing_new_and_the_task_waits_visibly_until_it_is_undrained()
    {
        await using var alpha = await HostProcess.StartAsync(Settings("alpha"), Ct);
        await using var gamma = await HostProcess.StartAsync(Settings("gamma", "gpu"), Ct);
        await Task.WhenAll(alpha.WaitUntilReadyAsync(Ct), gamma.WaitUntilReadyAsync(Ct));
        await WaitForNodesAsync(alpha, 2);

        using (var drain = await alpha.Client.PostAsync(new Uri("/api/nodes/gamma/drain", UriKind.Relative), null, Ct))
        {
            drain.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await drain.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("draining");
        }
        var id = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:1", capabilities = Gpu });
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        var waiting = await TaskAsync(gamma, id);
        waiting.GetProperty("status").GetString().ShouldBe("PENDING");
        waiting.GetProperty("waitingFor").GetString().ShouldBe("waiting for a node with gpu");

        (await alpha.Client.PostAsync(new Uri("/api/nodes/gamma/undrain", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        await WaitForStatusAsync(alpha, id, "COMPLETED");
        (await StartedOnAsync(id)).ShouldBe(["gamma"]);
        (await TaskAsync(alpha, id)).GetProperty("waitingFor").ValueKind.ShouldBe(JsonValueKind.Null);

        using var unknown = await alpha.Client.PostAsync(new Uri("/api/nodes/nobody/drain", UriKind.Relative), null, Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Bad_routing_fields_are_refused_as_problem_json_naming_the_field_and_nothing_is_written()
    {
        await using var alpha = await HostProcess.StartAsync(Settings("alpha"), Ct);
        await alpha.WaitUntilReadyAsync(Ct);
        (string Body, string Field)[] cases =
        [
            ("""{"description":"x","node":"no spaces"}""", "node"),
            ("""{"description":"x","capabilities":["gpu",""]}""", "capabilities[1]"),
            ("""{"description":"x","capabilities":"gpu"}""", "capabilities"),
            ("""{"description":"x","fallbackNodes":["alpha"]}""", "fallbackNodes"),
            ("""{"description":"x","node":"beta","fallbackNodes":["a/b"]}""", "fallbackNodes[0]"),
        ];
        foreach (var (body, field) in cases)
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await alpha.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), content, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue($"{body}: {problem}");
        }
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["description"] = "x", ["node"] = "beta", ["fallbackNodes"] = "alpha,",
        });
        using var formResponse = await alpha.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), form, Ct);
        (await formResponse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors")
            .TryGetProperty("fallbackNodes[1]", out _).ShouldBeTrue();
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from tasks")).ShouldBe(0);
    }

    [Fact]
    public async Task A_stopped_node_is_offline_its_task_waits_with_its_reason_a_fallback_runs_another_and_it_runs_the_waiting_one_on_return()
    {
        var betaSettings = Settings("beta");
        await using var alpha = await HostProcess.StartAsync(Settings("alpha"), Ct);
        var beta = await HostProcess.StartAsync(betaSettings, Ct);
        try
        {
            await Task.WhenAll(alpha.WaitUntilReadyAsync(Ct), beta.WaitUntilReadyAsync(Ct));
            await WaitForNodesAsync(alpha, 2);
            await beta.StopAsync();
        }
        finally
        {
            await beta.DisposeAsync();
        }
        // A clean stop marks the node offline on its way out.
        (await StatusOfAsync(alpha, "beta")).ShouldBe("offline");

        var waiting = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:1", node = "beta" });
        var fallback = await TasksHost.CreateTaskAsync(alpha.Client,
            new { description = "steps:1", node = "beta", fallbackNodes = Alpha });
        await WaitForStatusAsync(alpha, fallback, "COMPLETED");
        (await StartedOnAsync(fallback)).ShouldBe(["alpha"]);
        var view = await TaskAsync(alpha, waiting);
        view.GetProperty("status").GetString().ShouldBe("PENDING");
        view.GetProperty("waitingFor").GetString().ShouldBe("waiting for node beta");
        var listed = (await alpha.Client.GetFromJsonAsync<JsonElement>("/api/tasks?status=PENDING", Ct)).GetProperty("tasks");
        listed.EnumerateArray().Single().GetProperty("waitingFor").GetString().ShouldBe("waiting for node beta");

        await using var back = await HostProcess.StartAsync(betaSettings, Ct);
        await back.WaitUntilReadyAsync(Ct);
        await WaitForStatusAsync(alpha, waiting, "COMPLETED");
        (await StartedOnAsync(waiting)).ShouldBe(["beta"]);
    }

    [Fact]
    public async Task Killing_a_node_mid_task_marks_its_started_task_leaves_the_others_alone_and_every_task_runs_once()
    {
        var betaSettings = Settings("beta");
        betaSettings["Scripted:ActionMs"] = "300";
        var alphaSettings = Settings("alpha");
        await using var alpha = await HostProcess.StartAsync(alphaSettings, Ct);
        var beta = await HostProcess.StartAsync(betaSettings, Ct);
        Guid onBeta, onAlpha, queued;
        double offlineAfterMs;
        try
        {
            await Task.WhenAll(alpha.WaitUntilReadyAsync(Ct), beta.WaitUntilReadyAsync(Ct));
            await WaitForNodesAsync(alpha, 2);
            onBeta = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:20", node = "beta" });
            onAlpha = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:15", node = "alpha" });
            await TasksHost.WaitUntilAsync(async () => await TasksHost.ScalarAsync<long>(_connectionString,
                "select count(*) from mt_events where type = 'tasks.action_started' and stream_id = $1", onBeta) >= 2,
                TimeSpan.FromSeconds(60));
            await beta.KillAsync();
            var killed = Stopwatch.StartNew();
            queued = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:1" });
            // Issue 15: a dead node is seen offline within 15 s (defaults: 2 s heartbeat, 10 s window).
            await TasksHost.WaitUntilAsync(async () => await StatusOfAsync(alpha, "beta") == "offline", TimeSpan.FromSeconds(15));
            offlineAfterMs = killed.Elapsed.TotalMilliseconds;
            await TasksHost.WaitUntilAsync(async () => (await TaskAsync(alpha, onBeta)).TryGetProperty("nodeLost", out var lost)
                && lost.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(15));
        }
        finally
        {
            await beta.DisposeAsync();
        }
        var marked = await TaskAsync(alpha, onBeta);
        marked.GetProperty("status").GetString().ShouldBe("RUNNING", "a started task is never moved");
        marked.GetProperty("nodeLost").GetProperty("node").GetString().ShouldBe("beta");
        await WaitForStatusAsync(alpha, onAlpha, "COMPLETED");
        await WaitForStatusAsync(alpha, queued, "COMPLETED");
        (await TaskAsync(alpha, onAlpha)).GetProperty("nodeLost").ValueKind.ShouldBe(JsonValueKind.Null);
        (await StartedOnAsync(onBeta)).ShouldBe(["beta"], "alpha never took beta's started task");
        (await StartedOnAsync(onAlpha)).ShouldBe(["alpha"]);
        (await StartedOnAsync(queued)).ShouldBe(["alpha"]);
        (await TasksHost.ScalarAsync<long>(_connectionString, "select count(*) from mt_events where type = 'tasks.task_node_lost'"))
            .ShouldBe(1, "two hosts watch; the loss is recorded once");

        await using (var back = await HostProcess.StartAsync(betaSettings, Ct))
        {
            await back.WaitUntilReadyAsync(Ct);
            await WaitForStatusAsync(alpha, onBeta, "COMPLETED", seconds: 90);
        }
        (await StartedOnAsync(onBeta)).ShouldBe(["beta", "beta"], "resumed on its own node");
        (await TaskAsync(alpha, onBeta)).GetProperty("nodeLost").ValueKind.ShouldBe(JsonValueKind.Null);
        var actions = File.ReadAllLines(Path.Combine(_workDir, "actions.log")).Select(l => l.Split(' ')[1]).ToList();
        actions.Count.ShouldBe(actions.Distinct().Count(), "no action ran twice");
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"nodes: a SIGKILLed node was listed offline {offlineAfterMs:0} ms after the kill (2 s heartbeat, 10 s window)"));
    }
}
