using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Builder;

namespace Bytebot.Bench;

/// <summary>
/// Issue 15 acceptance 5 with real hosts: two host processes (each with its managed desktop) on one PostgreSQL. A task
/// is created on alpha for beta, idle, and timed from its <c>createdAt</c> to its <c>executedAt</c> (both written by
/// the hosts on one machine's clock); the same for alpha's own tasks is the floor. Then beta is SIGKILLed with its
/// desktop and alpha's <c>GET /api/nodes</c> is polled until beta is offline.
/// </summary>
internal static class FleetBench
{
    private const int Kills = 3;

    public static async Task RunAsync(BenchArgs options)
    {
        var tasks = Math.Max(5, options.Runs);
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-fleet-").FullName;
        try
        {
            await using var llm = await AgentBench.StartFakeAnthropicAsync([], _ => AgentBench.Completed);
            await using var postgres = await ManagedPostgres.StartAsync(
                new ManagedPostgresOptions(Path.Combine(dataDir, "postgres")));
            var database = postgres.ConnectionString();
            await using var alpha = await StartAsync(options, "alpha", database, dataDir, llm);
            var (remote, local) = (new List<double>(), new List<double>());
            var offline = new List<double>();
            for (var kill = 0; kill < Kills; kill++)
            {
                await using var beta = await StartAsync(options, "beta", database, dataDir, llm);
                await WaitForStatusAsync(alpha, "beta", "online");
                for (var i = 0; i < (kill == 0 ? tasks : 0); i++)
                {
                    remote.Add(await CreateToStartedAsync(alpha, "beta"));
                    local.Add(await CreateToStartedAsync(alpha, "alpha"));
                }
                beta.KillHard();
                var clock = Stopwatch.StartNew();
                await WaitForStatusAsync(alpha, "beta", "offline");
                offline.Add(clock.Elapsed.TotalMilliseconds);
            }
            await Report.WriteAsync(options.Out, "fleet", new Dictionary<string, object>
            {
                ["tasks"] = tasks,
                ["remoteCreateToStartedMs"] = remote,
                ["localCreateToStartedMs"] = local,
                ["offlineDetectionMs"] = offline,
            },
            [
                $"| measure ({tasks} tasks, {Kills} kills) | median | p95 |",
                "|---|---|---|",
                Row("create on alpha → started on idle beta (ms)", remote),
                Row("floor: create on alpha → started on alpha (ms)", local),
                Row("kill -9 beta → alpha lists it offline (ms; 2 s heartbeat, 10 s window)", offline),
            ]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string Row(string what, List<double> values) =>
        $"| {what} | {Report.Format(Report.Median(values))} | {Report.Format(Report.Percentile(values, 0.95))} |";

    private static async Task<HostProcess> StartAsync(
        BenchArgs options, string name, string database, string dataDir, WebApplication llm)
    {
        var host = HostProcess.Start(options.HostDll, new Dictionary<string, string>
        {
            ["BYTEBOT_DATA_DIR"] = Path.Combine(dataDir, name),
            ["ConnectionStrings__Bytebot"] = database,
            ["Node__Name"] = name,
            ["Desktop__Mode"] = "Managed",
            ["Desktop__Width"] = "640",
            ["Desktop__Height"] = "480",
        }.Concat(AgentBench.ModelSettings(llm)).ToDictionary());
        await host.WaitForAsync("/health/ready");
        return host;
    }

    /// <summary>Milliseconds from the task's creation to its start, by the hosts' own timestamps.</summary>
    private static async Task<double> CreateToStartedAsync(HostProcess host, string node)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/tasks", new { description = "bench", node });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while (true)
        {
            var task = await host.Http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
            if (task.GetProperty("status").GetString() == "COMPLETED")
                return (task.GetProperty("executedAt").GetDateTimeOffset()
                    - task.GetProperty("createdAt").GetDateTimeOffset()).TotalMilliseconds;
            await Task.Delay(20);
        }
    }

    private static async Task WaitForStatusAsync(HostProcess host, string node, string status)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromMinutes(1))
        {
            var nodes = await host.Http.GetFromJsonAsync<JsonElement>("/api/nodes");
            if (nodes.EnumerateArray().Any(n => n.GetProperty("name").GetString() == node
                && n.GetProperty("status").GetString() == status))
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{node} is not {status} after 1 min"));
    }
}
