using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Nodes;

/// <summary>
/// Issue 15 acceptance 1 as written: three host processes, each with its own data dir and its own managed desktop
/// (Xvfb, session, x11vnc), on one PostgreSQL. Each desktop has another size, so a node listing another's desktop
/// as its own cannot pass.
/// </summary>
public sealed class ThreeNodeAcceptanceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly (string Name, int Width, int Height, string[] Capabilities)[] Fleet =
    [
        ("alpha", 640, 480, []),
        ("beta", 720, 540, []),
        ("gamma", 800, 600, ["gpu"]),
    ];

    private static readonly string[] Gpu = ["gpu"];

    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-three-nodes-").FullName;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        // A failed assertion must not leak a desktop into the next test.
        foreach (var (name, _, _, _) in Fleet)
            DesktopWitness.KillAll(DataDir(name), null);
        Directory.Delete(_workDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private string DataDir(string name) => Path.Combine(_workDir, name);

    private Dictionary<string, string?> Settings(string name, int width, int height, string[] capabilities)
    {
        var settings = TasksHost.Settings(name, Path.Combine(_workDir, "actions.log"));
        settings.Remove("DISPLAY");
        settings["Node:Name"] = name;
        for (var i = 0; i < capabilities.Length; i++)
            settings[$"Node:Capabilities:{i}"] = capabilities[i];
        settings["ConnectionStrings:Bytebot"] = _connectionString;
        settings["BYTEBOT_TOKEN"] = $"bbt_test_three_nodes_{name}_0123456789";
        settings["BYTEBOT_DATA_DIR"] = DataDir(name);
        settings["Desktop:Mode"] = "Managed";
        settings["Desktop:Vnc"] = "true";
        settings["Desktop:Width"] = width.ToString(CultureInfo.InvariantCulture);
        settings["Desktop:Height"] = height.ToString(CultureInfo.InvariantCulture);
        settings["Scripted:ActionMs"] = "100";
        return settings;
    }

    private async Task<List<string>> StartedOnAsync(Guid id) =>
        [.. (await TasksHost.RowsAsync(_connectionString,
            "select data->>'desktopId' from mt_events where type = 'tasks.task_started' and stream_id = $1", id))
            .Select(r => (string)r[0]!)];

    private static async Task<List<JsonElement>> NodesAsync(HostProcess host) =>
        [.. (await host.Client.GetFromJsonAsync<JsonElement>("/api/nodes", Ct)).EnumerateArray()];

    private static async Task WaitForCompletedAsync(HostProcess host, Guid id) =>
        await TasksHost.WaitUntilAsync(async () =>
            (await host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct))
                .GetProperty("status").GetString() == "COMPLETED", TimeSpan.FromSeconds(90));

    [Fact]
    public async Task Three_nodes_with_own_desktops_list_each_other_online_and_run_tasks_by_name_and_by_capability()
    {
        var hosts = new List<HostProcess>();
        try
        {
            foreach (var (name, width, height, capabilities) in Fleet)
                hosts.Add(await HostProcess.StartAsync(Settings(name, width, height, capabilities), Ct));
            await Task.WhenAll(hosts.Select(h => h.WaitUntilReadyAsync(Ct)));
            var displays = Fleet.Select(n => DesktopWitness.DisplayOf(DataDir(n.Name))).ToList();
            displays.Distinct().Count().ShouldBe(3, "each node runs an X server of its own");

            foreach (var host in hosts)
            {
                await TasksHost.WaitUntilAsync(async () => (await NodesAsync(host))
                    .Count(n => n.GetProperty("status").GetString() == "online") == 3, TimeSpan.FromSeconds(30));
                var listed = await NodesAsync(host);
                listed.Select(n => n.GetProperty("name").GetString()).ShouldBe(Fleet.Select(n => n.Name));
                foreach (var (node, (_, width, height, _)) in listed.Zip(Fleet))
                {
                    node.GetProperty("desktop").GetProperty("width").GetInt32().ShouldBe(width);
                    node.GetProperty("desktop").GetProperty("height").GetInt32().ShouldBe(height);
                }
            }

            var (alpha, gamma) = (hosts[0], hosts[2]);
            var forBeta = await TasksHost.CreateTaskAsync(alpha.Client, new { description = "steps:2", node = "beta" });
            var forGpu = await TasksHost.CreateTaskAsync(
                alpha.Client, new { description = "steps:2", capabilities = Gpu });
            await WaitForCompletedAsync(gamma, forBeta);
            await WaitForCompletedAsync(gamma, forGpu);
            (await StartedOnAsync(forBeta)).ShouldBe(["beta"]);
            (await StartedOnAsync(forGpu)).ShouldBe(["gamma"]);
        }
        finally
        {
            // A clean stop ends each managed desktop's children by PID; a kill would leave them running.
            foreach (var host in hosts)
            {
                await host.StopAsync();
                await host.DisposeAsync();
            }
        }
    }
}
