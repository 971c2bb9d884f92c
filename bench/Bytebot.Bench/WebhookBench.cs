using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Bench;

/// <summary>
/// Event → webhook delivered: a task created over the API until its signed task.created POST reaches a loopback
/// receiver (median over sequential tasks), and deliveries/s with several subscriptions and concurrent creators.
/// The floor, in the same run and to the same receiver, is a plain HttpClient POST of the same body: what the
/// webhook path adds is the event feed, the durable envelope, the signature and the recorded attempt.
/// </summary>
internal static class WebhookBench
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const int Subscriptions = 4;
    private const int Creators = 8;
    private static readonly string[] Created = ["task.created"];

    public static async Task RunAsync(BenchArgs options)
    {
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-webhooks-").FullName;
        try
        {
            await using var postgres = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(dataDir));
            await using var receiver = await Receiver.StartAsync();
            await using var host = HostProcess.Start(options.HostDll, new Dictionary<string, string>
            {
                ["BYTEBOT_DATA_DIR"] = Directory.CreateTempSubdirectory("bytebot-bench-host-").FullName,
                ["ConnectionStrings__Bytebot"] = postgres.ConnectionString(),
                ["Desktop__Mode"] = "External",
                ["Desktop__Vnc"] = "false",
                ["DISPLAY"] = ":59999",
            });
            await host.WaitForAsync("/health/live");
            using (var response = await host.Http.PostAsJsonAsync(
                       "/api/webhooks", new { url = receiver.Url, secret = Secret, events = Created }))
                response.EnsureSuccessStatusCode();

            var latencies = new List<double>();
            for (var i = 0; i < options.WarmRuns + options.Runs; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var id = await CreateTaskAsync(host.Http, $"bench webhook {i}");
                await receiver.WaitForAsync(id, 1);
                if (i >= options.WarmRuns)
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            var floorLatencies = new List<double>();
            using var plain = new HttpClient();
            for (var i = 0; i < options.WarmRuns + options.Runs; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await PlainPostAsync(plain, receiver.Url, Guid.CreateVersion7());
                if (i >= options.WarmRuns)
                    floorLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            for (var s = 1; s < Subscriptions; s++)
            {
                using var response = await host.Http.PostAsJsonAsync(
                    "/api/webhooks", new { url = receiver.Url, secret = Secret, events = Created });
                response.EnsureSuccessStatusCode();
            }
            var tasks = Math.Max(options.Runs * 4, 40);
            var before = receiver.Count;
            var burst = Stopwatch.StartNew();
            var ids = new ConcurrentBag<Guid>();
            await Parallel.ForAsync(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = Creators },
                async (i, _) => ids.Add(await CreateTaskAsync(host.Http, $"burst {i}")));
            foreach (var id in ids)
                await receiver.WaitForAsync(id, Subscriptions);
            var perSecond = (receiver.Count - before) / burst.Elapsed.TotalSeconds;
            var floorCount = tasks * Subscriptions;
            var floorBurst = Stopwatch.StartNew();
            await Parallel.ForAsync(0, floorCount, new ParallelOptions { MaxDegreeOfParallelism = Creators },
                async (_, _) => await PlainPostAsync(plain, receiver.Url, Guid.CreateVersion7()));
            var floorPerSecond = floorCount / floorBurst.Elapsed.TotalSeconds;

            var (median, floorMedian) = (Report.Median(latencies), Report.Median(floorLatencies));
            var p95 = Report.Percentile(latencies, 0.95);
            await Report.WriteAsync(options.Out, "webhooks", new Dictionary<string, object>
            {
                ["eventToDeliveredMedianMs"] = median,
                ["eventToDeliveredP95Ms"] = p95,
                ["plainPostMedianMs"] = floorMedian,
                ["deliveriesPerSecond"] = perSecond,
                ["plainPostsPerSecond"] = floorPerSecond,
                ["runs"] = options.Runs,
                ["burstDeliveries"] = tasks * Subscriptions,
            },
            [
                "| measure | Bytebot | floor (plain HttpClient POST) | ratio |",
                "|---|---|---|---|",
                $"| task created → webhook delivered, median ms | {Report.Format(median)} | {Report.Format(floorMedian)} | {Ratio(median, floorMedian)} |",
                $"| task created → webhook delivered, p95 ms | {Report.Format(p95)} | | |",
                $"| deliveries/s ({Subscriptions} subscriptions, {Creators} creators) | {Report.Format(perSecond)} | {Report.Format(floorPerSecond)} | {Ratio(floorPerSecond, perSecond)} |",
            ]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<Guid> CreateTaskAsync(HttpClient http, string description)
    {
        using var response = await http.PostAsJsonAsync("/api/tasks", new { description });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task PlainPostAsync(HttpClient http, Uri url, Guid taskId)
    {
        var body = $$$"""{"type":"floor","timestamp":"{{{DateTimeOffset.UtcNow:O}}}","data":{"taskId":"{{{taskId}}}"}}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content);
        response.EnsureSuccessStatusCode();
    }

    private static string Ratio(double a, double b) =>
        b == 0 ? "" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<Guid, int> _seen = new();
        private int _count;

        private Receiver(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public int Count => Volatile.Read(ref _count);

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                var taskId = document.RootElement.GetProperty("data").GetProperty("taskId").GetGuid();
                receiver._seen.AddOrUpdate(taskId, 1, (_, n) => n + 1);
                Interlocked.Increment(ref receiver._count);
                return Results.Ok();
            });
            await app.StartAsync();
            receiver.Url = new Uri(new Uri(app.Urls.Single()), "/hook");
            return receiver;
        }

        public async Task WaitForAsync(Guid taskId, int deliveries)
        {
            var limit = Stopwatch.StartNew();
            while (_seen.GetValueOrDefault(taskId) < deliveries)
            {
                if (limit.Elapsed > TimeSpan.FromSeconds(60))
                    throw new TimeoutException($"task {taskId}: {deliveries} webhook(s) did not arrive within 60 s");
                await Task.Delay(1);
            }
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
