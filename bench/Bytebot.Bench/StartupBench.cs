using System.Globalization;
using System.Runtime.InteropServices;

namespace Bytebot.Bench;

/// <summary>Process start → /health/ready 200, cold (first start: initdb) and warm (cluster reused), and idle RSS.</summary>
internal static class StartupBench
{
    public static async Task RunAsync(BenchArgs options)
    {
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-").FullName;
        var runs = new List<StartupRun>();
        try
        {
            runs.Add(await MeasureAsync(options.HostDll, dataDir, "cold", measureIdleRss: true));
            for (var i = 0; i < options.WarmRuns; i++)
                runs.Add(await MeasureAsync(options.HostDll, dataDir, "warm", measureIdleRss: i == 0));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }

        var warm = runs.Where(r => r.Kind == "warm").Select(r => r.ReadyMs).ToList();
        await Report.WriteAsync(options.Out, "startup", new
        {
            machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}",
            coldReadyMs = runs[0].ReadyMs,
            warmReadyMedianMs = Report.Median(warm),
            idleRssMiB = runs.Max(r => r.IdleRssMiB),
            runs,
        },
        [
            "| run | live ms | ready ms | idle RSS MiB |",
            "|---|---|---|---|",
            .. runs.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"| {r.Kind} | {r.LiveMs:F0} | {r.ReadyMs:F0} | {(r.IdleRssMiB > 0 ? r.IdleRssMiB.ToString("F0", CultureInfo.InvariantCulture) : "")} |")),
        ]);
    }

    private static async Task<StartupRun> MeasureAsync(string hostDll, string dataDir, string kind, bool measureIdleRss)
    {
        await using var host = HostProcess.Start(hostDll, new Dictionary<string, string> { ["BYTEBOT_DATA_DIR"] = dataDir });
        var live = await host.WaitForAsync("/health/live");
        var ready = await host.WaitForAsync("/health/ready");
        double rss = 0;
        if (measureIdleRss)
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            rss = host.ResidentMiB();
        }
        return new StartupRun(kind, live, ready, rss);
    }

    private sealed record StartupRun(string Kind, double LiveMs, double ReadyMs, double IdleRssMiB);
}
