using System.Diagnostics;
using System.Globalization;
using Bytebot.Agent;
using Bytebot.Desktop;
using Bytebot.Files;
using Bytebot.Nodes;
using Bytebot.Platform;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.Queue;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Bench;

/// <summary>
/// Event appends (one stream, many streams), claim latency with 8 concurrent claimers and the list endpoint with
/// 10,000 tasks, each beside its floor measured in the same run: plain Npgsql inserts and the plain SQL query, over
/// the connection settings the host uses (statements prepared), so a ratio shows what our code adds.
/// </summary>
internal static class TasksBench
{
    private const int Tasks = 10_000;
    private const int OneStreamEvents = 2_000;
    private const int Writers = 8;
    private const int Claimers = 8;
    private const int ClaimsPerClaimer = 100;
    private const int ListRequests = 100;
    private const int Rounds = 5;

    public static async Task RunAsync(BenchArgs options)
    {
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-tasks-").FullName;
        try
        {
            await using var postgres = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(dataDir));
            var connectionString = postgres.ConnectionString();
            var rows = new List<string[]>();
            var json = new Dictionary<string, object>();

            using (var host = BuildModules(connectionString, dataDir))
            {
                await host.StartAsync();
                var store = host.Services.GetRequiredService<IDocumentStore>();
                var ids = Enumerable.Range(0, Tasks).Select(_ => Guid.CreateVersion7()).ToArray();
                var now = DateTimeOffset.UtcNow;
                var model = new TaskModel("anthropic", "claude-bench", "Bench");

                // Ours and the floor take turns, five rounds each, and each reports its median round: the machine's
                // noise (other VMs on the host) moved single runs by 2×, which no ratio of two single runs survives.
                await using var floor = await InsertFloor.CreateAsync(connectionString);
                var (manyRounds, rawManyRounds, oneRounds, rawOneRounds) = (new List<double>(), new List<double>(),
                    new List<double>(), new List<double>());
                var version = 1L;
                for (var round = 0; round < Rounds; round++)
                {
                    var first = round * (Tasks / Rounds);
                    manyRounds.Add(await ThroughputAsync(Tasks / Rounds, Writers, i => TaskStreams.AppendAsync(store,
                        ids[first + i], 0, null,
                        [new TaskCreated(ids[first + i], $"bench task {first + i}", AgentTaskType.Immediate,
                            (AgentTaskPriority)(i % 4), null, TaskRole.User, model, [], now)],
                        CancellationToken.None)));
                    rawManyRounds.Add(await ThroughputAsync(Tasks / Rounds, Writers,
                        i => floor.InsertAsync($"s-{first + i}", 1)));
                    oneRounds.Add(await ThroughputAsync(OneStreamEvents / Rounds, 1, i => TaskStreams.AppendAsync(store,
                        ids[0], version++, null, [new MessageAdded(Guid.CreateVersion7(), TaskRole.Assistant,
                            [new TextContent($"step {i}")], now)],
                        CancellationToken.None)));
                    var firstVersion = round * (OneStreamEvents / Rounds);
                    rawOneRounds.Add(await ThroughputAsync(OneStreamEvents / Rounds, 1,
                        i => floor.InsertAsync("one", firstVersion + i + 1)));
                }
                var (many, rawMany, one, rawOne) = (Report.Median(manyRounds), Report.Median(rawManyRounds),
                    Report.Median(oneRounds), Report.Median(rawOneRounds));
                rows.Add(["append, many streams (8 writers), events/s", Report.Format(many), Report.Format(rawMany), Ratio(rawMany, many)]);
                rows.Add(["append, one stream, events/s", Report.Format(one), Report.Format(rawOne), Ratio(rawOne, one)]);
                json["appendManyStreamsPerSecond"] = many;
                json["appendOneStreamPerSecond"] = one;
                json["rawInsertManyPerSecond"] = rawMany;
                json["rawInsertOnePerSecond"] = rawOne;

                var claims = await ClaimLatenciesAsync(host.Services.GetRequiredService<TaskQueue>());
                var rawLock = await RawSkipLockedFloorAsync(connectionString);
                rows.Add(["claim latency, 8 claimers, median ms", Report.Format(Report.Median(claims)), Report.Format(Report.Median(rawLock)), Ratio(Report.Median(claims), Report.Median(rawLock))]);
                rows.Add(["claim latency, 8 claimers, p95 ms", Report.Format(Report.Percentile(claims, 0.95)), Report.Format(Report.Percentile(rawLock, 0.95)), Ratio(Report.Percentile(claims, 0.95), Report.Percentile(rawLock, 0.95))]);
                json["claimMedianMs"] = Report.Median(claims);
                json["claimP95Ms"] = Report.Percentile(claims, 0.95);
                await host.StopAsync();
            }

            await using (var host = HostProcess.Start(options.HostDll, new Dictionary<string, string>
            {
                ["BYTEBOT_DATA_DIR"] = Directory.CreateTempSubdirectory("bytebot-bench-host-").FullName,
                ["ConnectionStrings__Bytebot"] = connectionString,
                ["Desktop__Mode"] = "External",
                ["Desktop__Vnc"] = "false",
                ["DISPLAY"] = ":0",
            }))
            {
                await host.WaitForAsync("/health/live");
                await using var listFloor = FloorSource(connectionString);
                // The floor is the endpoint's own SQL (its page query and the status counts, one round trip) run
                // over plain Npgsql: what the API adds is HTTP, auth, mapping and JSON.
                const string Columns = "id, description, type, status, priority, control, created_at, created_by, scheduled_for, "
                    + "updated_at, executed_at, completed_at, error, result::text, model::text";
                const string Counts = "select status, sum(count)::bigint from task_status_counts group by status having sum(count) > 0";
                foreach (var (label, query, sql) in new[]
                {
                    ("list page 1 (20 of 10,000)", "/api/tasks?page=1&limit=20",
                        $"select {Columns} from tasks order by created_at desc, id desc limit 20 offset 0; {Counts}"),
                    ("list page 250 (20 of 10,000)", "/api/tasks?page=250&limit=20",
                        $"select {Columns} from tasks order by created_at desc, id desc limit 20 offset 4980; {Counts}"),
                    ("list by statuses PENDING,RUNNING", "/api/tasks?statuses=PENDING,RUNNING&limit=20",
                        $"""
                        select {Columns} from tasks where id in (
                            select id from (
                                (select id, created_at from tasks where status = 'PENDING' order by created_at desc, id desc limit 20)
                                union all
                                (select id, created_at from tasks where status = 'RUNNING' order by created_at desc, id desc limit 20)) w
                            order by created_at desc, id desc limit 20 offset 0)
                        order by created_at desc, id desc; {Counts}
                        """),
                })
                {
                    // One request, then the floor's query, and again: both see the same moments of the machine.
                    var (http, raw) = await PairedLatenciesAsync(ListRequests, async () =>
                    {
                        using var response = await host.Http.GetAsync(new Uri(query, UriKind.Relative));
                        response.EnsureSuccessStatusCode();
                        await response.Content.ReadAsByteArrayAsync();
                    }, () => QueryAsync(listFloor, sql));
                    rows.Add([$"{label}, median ms", Report.Format(Report.Median(http)), Report.Format(Report.Median(raw)), Ratio(Report.Median(http), Report.Median(raw))]);
                    json[$"list: {label} medianMs"] = Report.Median(http);
                }
            }

            await Report.WriteAsync(options.Out, "tasks", json,
            [
                "| measure | Bytebot | floor (plain Npgsql / SQL) | ratio |",
                "|---|---|---|---|",
                .. rows.Select(r => $"| {string.Join(" | ", r)} |"),
            ]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    // A floor talks to the database over the host's connection settings, so a ratio shows what our code adds.
    private static NpgsqlDataSource FloorSource(string connectionString) =>
        NpgsqlDataSource.Create(DatabaseLifecycle.WithPreparedStatements(connectionString));

    private static string Ratio(double a, double b) => b == 0 ? "" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";

    internal static IHost BuildModules(string connectionString, string dataDir)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Bytebot"] = connectionString,
            ["BYTEBOT_DATA_DIR"] = dataDir,
            // The modules Tasks talks to through their contracts, without a display: the bench measures the queue.
            ["Desktop:Mode"] = "External",
            ["DISPLAY"] = ":59999",
            ["Desktop:Vnc"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks();
        builder.Services.AddBytebotPlatform(builder.Configuration);
        builder.Services.AddDesktopModule(builder.Configuration);
        builder.Services.AddFilesModule(builder.Configuration);
        builder.Services.AddAgentModule(builder.Configuration);
        builder.Services.AddNodesModule(builder.Configuration);
        builder.Services.AddTasksModule(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Runs <paramref name="count"/> operations over <paramref name="workers"/> concurrent loops; returns operations per second.</summary>
    private static async Task<double> ThroughputAsync(int count, int workers, Func<int, Task> operation)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                await operation(i);
        })));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The floor for an append: one plain Npgsql insert of a JSON row per call.</summary>
    private sealed class InsertFloor(NpgsqlDataSource source) : IAsyncDisposable
    {
        private const string Data =
            """{"taskId":"0197","description":"bench task","type":"IMMEDIATE","priority":"MEDIUM"}""";

        public static async Task<InsertFloor> CreateAsync(string connectionString)
        {
            var source = FloorSource(connectionString);
            const string Table =
                "create table bench_raw (stream text, version int, data jsonb, primary key (stream, version))";
            await using (var create = source.CreateCommand(Table))
                await create.ExecuteNonQueryAsync();
            return new InsertFloor(source);
        }

        public async Task InsertAsync(string stream, int version)
        {
            await using var insert = source.CreateCommand("insert into bench_raw values ($1, $2, $3::jsonb)");
            insert.Parameters.Add(new() { Value = stream });
            insert.Parameters.Add(new() { Value = version });
            insert.Parameters.Add(new() { Value = Data });
            await insert.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => source.DisposeAsync();
    }

    private static async Task<List<double>> ClaimLatenciesAsync(TaskQueue queue)
    {
        var latencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(claimer => Task.Run(async () =>
        {
            var own = new List<double>();
            for (var i = 0; i < ClaimsPerClaimer; i++)
            {
                var clock = Stopwatch.StartNew();
                var lease = await queue.ClaimAsync($"bench-worker-{claimer}", $"bench-desktop-{claimer}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), CancellationToken.None);
                own.Add(clock.Elapsed.TotalMilliseconds);
                if (lease is null)
                    throw new InvalidOperationException("the queue ran dry during the claim benchmark");
            }
            lock (latencies)
                latencies.AddRange(own);
        })));
        return latencies;
    }

    /// <summary>The floor for a claim: the same SKIP LOCKED pick-and-update on a bare table, 8 claimers.</summary>
    private static async Task<List<double>> RawSkipLockedFloorAsync(string connectionString)
    {
        await using var source = FloorSource(connectionString);
        await using (var create = source.CreateCommand("""
            create table bench_queue (id bigserial primary key, rank int not null, created_at timestamptz not null default now(), owner text);
            insert into bench_queue (rank) select g % 4 from generate_series(1, 10000) g;
            create index on bench_queue (rank desc, created_at) where owner is null;
            """))
            await create.ExecuteNonQueryAsync();
        var latencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(claimer => Task.Run(async () =>
        {
            var own = new List<double>();
            for (var i = 0; i < ClaimsPerClaimer; i++)
            {
                var clock = Stopwatch.StartNew();
                await using var claim = source.CreateCommand("""
                    with next as (select id from bench_queue where owner is null order by rank desc, created_at limit 1 for update skip locked)
                    update bench_queue q set owner = $1 from next where q.id = next.id returning q.id
                    """);
                claim.Parameters.Add(new() { Value = $"c{claimer}" });
                await claim.ExecuteScalarAsync();
                own.Add(clock.Elapsed.TotalMilliseconds);
            }
            lock (latencies)
                latencies.AddRange(own);
        })));
        return latencies;
    }

    private static async Task<(List<double> A, List<double> B)> PairedLatenciesAsync(
        int count, Func<Task> a, Func<Task> b)
    {
        var (first, second) = (new List<double>(count), new List<double>(count));
        for (var i = 0; i < count + 10; i++)
        {
            foreach (var (operation, latencies) in new[] { (a, first), (b, second) })
            {
                var clock = Stopwatch.StartNew();
                await operation();
                // The first ten of each warm up.
                if (i >= 10)
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        return (first, second);
    }

    private static async Task QueryAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                // drain the rows like the endpoint does
            }
        }
        while (await reader.NextResultAsync());
    }
}
