using System.Diagnostics;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Bench;

/// <summary>
/// Claims per second through the routed claim: three nodes each claiming the tasks routed to it by name, against one
/// node claiming as many unrouted tasks, and against three nodes claiming unrouted ones (what routing costs).
/// </summary>
internal static class NodesBench
{
    private const int Tasks = 600;
    private static readonly string[] Nodes = ["n0", "n1", "n2"];

    public static async Task RunAsync(BenchArgs options)
    {
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-nodes-").FullName;
        try
        {
            await using var postgres = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(dataDir));
            using var host = TasksBench.BuildModules(postgres.ConnectionString(), dataDir);
            await host.StartAsync();
            var store = host.Services.GetRequiredService<IDocumentStore>();
            var queue = host.Services.GetRequiredService<TaskQueue>();
            var (one, three, routed) = (new List<double>(), new List<double>(), new List<double>());
            for (var round = 0; round < 3; round++)
            {
                await CreateAsync(store, _ => null);
                one.Add(await ClaimAllAsync(queue, ["n0"], routedTo: false));
                await CreateAsync(store, _ => null);
                three.Add(await ClaimAllAsync(queue, Nodes, routedTo: false));
                await CreateAsync(store, i => Nodes[i % Nodes.Length]);
                routed.Add(await ClaimAllAsync(queue, Nodes, routedTo: true));
            }
            var (a, b, c) = (Report.Median(one), Report.Median(three), Report.Median(routed));
            await Report.WriteAsync(options.Out, "nodes",
                new Dictionary<string, object>
                {
                    ["claimsPerSecondOneNode"] = a, ["claimsPerSecondThreeNodes"] = b,
                    ["claimsPerSecondThreeNodesRouted"] = c,
                },
                [
                    "| measure | claims/s | ratio |",
                    "|---|---|---|",
                    $"| one node, unrouted tasks | {Report.Format(a)} | 1.00× |",
                    $"| three nodes, unrouted tasks | {Report.Format(b)} | {Report.Format(b / a)}× of one node |",
                    $"| three nodes, each claiming the tasks routed to it | {Report.Format(c)} | {Report.Format(c / b)}× of unrouted |",
                ]);
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task CreateAsync(IDocumentStore store, Func<int, string?> node)
    {
        var model = new TaskModel("anthropic", "claude-bench", "Bench");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Tasks; i++)
        {
            var id = Guid.CreateVersion7();
            await TaskStreams.AppendAsync(store, id, 0, null,
                [new TaskCreated(id, "bench", AgentTaskType.Immediate, AgentTaskPriority.Medium, null, TaskRole.User, model, [],
                    now, node(i), node(i) is null ? null : [], null)], CancellationToken.None);
        }
    }

    /// <summary>Each node claims until the queue has nothing for it; returns claims per second over all nodes.</summary>
    private static async Task<double> ClaimAllAsync(TaskQueue queue, string[] nodes, bool routedTo)
    {
        var scope = new ClaimScope([], nodes, NoNewRuns: false);
        var claimed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select(node => Task.Run(async () =>
        {
            // One worker per node: a new worker id would take over the node's own leases again (a restarted host).
            while (await queue.ClaimAsync($"{node}/bench", node, DateTimeOffset.UtcNow,
                TimeSpan.FromMinutes(5), routedTo ? scope : ClaimScope.Unrouted, CancellationToken.None) is not null)
                Interlocked.Increment(ref claimed);
        })));
        if (claimed != Tasks)
            throw new InvalidOperationException($"claimed {claimed} of {Tasks}");
        return claimed / clock.Elapsed.TotalSeconds;
    }
}
