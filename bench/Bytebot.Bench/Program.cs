using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

// --mode startup (default): process start → /health/ready 200, cold (first start: initdb) and warm (cluster reused),
// plus the host's resident memory once idle. --mode desktop: our /computer-use next to xdotool and ImageMagick on one
// display (DesktopBench.cs). Usage: --host path/Bytebot.Host.dll --out dir [--mode startup|desktop] [--warm-runs N] [--runs N]
var options = Args.Parse(args);
Directory.CreateDirectory(options.Out);
if (options.Mode == "desktop")
{
    await DesktopBench.RunAsync(options);
    return;
}
var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-").FullName;
var results = new List<StartupRun>();
try
{
    results.Add(await HostRun.MeasureAsync(options.HostDll, dataDir, "cold", measureIdleRss: true));
    for (var i = 0; i < options.WarmRuns; i++)
        results.Add(await HostRun.MeasureAsync(options.HostDll, dataDir, "warm", measureIdleRss: i == 0));
}
finally
{
    Directory.Delete(dataDir, recursive: true);
}

var warm = results.Where(r => r.Kind == "warm").Select(r => r.ReadyMs).Order().ToList();
var summary = new
{
    machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}",
    coldReadyMs = results[0].ReadyMs,
    coldLiveMs = results[0].LiveMs,
    warmReadyMedianMs = warm.Count > 0 ? warm[warm.Count / 2] : 0,
    idleRssMiB = results.Where(r => r.IdleRssMiB > 0).Select(r => r.IdleRssMiB).DefaultIfEmpty().Max(),
    runs = results,
};
await File.WriteAllTextAsync(Path.Combine(options.Out, "startup.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
var md = string.Join('\n',
[
    "| run | live ms | ready ms | idle RSS MiB |",
    "|---|---|---|---|",
    .. results.Select(r => string.Create(CultureInfo.InvariantCulture, $"| {r.Kind} | {r.LiveMs:F0} | {r.ReadyMs:F0} | {(r.IdleRssMiB > 0 ? r.IdleRssMiB.ToString("F0", CultureInfo.InvariantCulture) : "")} |")),
]);
await File.WriteAllTextAsync(Path.Combine(options.Out, "startup.md"), md + "\n");
Console.WriteLine(md);

internal sealed record StartupRun(string Kind, double LiveMs, double ReadyMs, double IdleRssMiB);

internal sealed record Args(string HostDll, string Out, int WarmRuns, string Mode, int Runs)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string? fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1]
            : fallback ?? throw new ArgumentException($"missing {name}");
        return new Args(Path.GetFullPath(Value("--host", null)), Path.GetFullPath(Value("--out", "artifacts/bench")),
            int.Parse(Value("--warm-runs", "3"), CultureInfo.InvariantCulture), Value("--mode", "startup"),
            int.Parse(Value("--runs", "50"), CultureInfo.InvariantCulture));
    }
}

internal static partial class HostRun
{
    public static async Task<StartupRun> MeasureAsync(string hostDll, string dataDir, string kind, bool measureIdleRss)
    {
        var port = FreePort();
        const string token = "bench-token";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(hostDll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["BYTEBOT_DATA_DIR"] = dataDir;
        start.Environment["BYTEBOT_TOKEN"] = token;
        start.Environment.Remove("DISPLAY");
        start.Environment.Remove("ConnectionStrings__Bytebot");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var live = await PollAsync(http, "/health/live", clock, process);
            var ready = await PollAsync(http, "/health/ready", clock, process);
            double rss = 0;
            if (measureIdleRss)
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                rss = ResidentMiB(process.Id);
            }
            Console.WriteLine($"{kind}: live {live:F0} ms, ready {ready:F0} ms{(rss > 0 ? $", idle RSS {rss:F0} MiB" : "")}");
            return new StartupRun(kind, live, ready, rss);
        }
        finally
        {
            _ = Kill(process.Id, 15);
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                process.Kill(entireProcessTree: true);
        }
    }

    public static async Task<double> PollAsync(HttpClient http, string path, Stopwatch clock, Process process)
    {
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"host exited with {process.ExitCode} before {path} answered");
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                    return clock.Elapsed.TotalMilliseconds;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow first answer while starting
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"{path} did not answer 200 within 3 minutes");
    }

    private static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);
}
