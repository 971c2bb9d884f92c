using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

/// <summary>
/// One host with its own managed Xvfb; on that display, each operation through our HTTP endpoint and through the usual
/// peer tool (xdotool for input, ImageMagick import for capture), alternated run by run so both see the same load.
/// Medians over --runs, and ratios ours/peer (below 1 = we are faster). Needs the native X driver in the host.
/// </summary>
internal static class DesktopBench
{
    private static readonly string Text100 = string.Concat(Enumerable.Repeat("The quick brown fox jumps. ", 4))[..100];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private sealed record Operation(string Name, string Body, string[] Peer);

    private static readonly Operation[] Operations =
    [
        new("move mouse", """{"action":"move_mouse","coordinates":{"x":640,"y":480}}""", ["xdotool", "mousemove", "640", "480"]),
        new("click", """{"action":"click_mouse","button":"left","clickCount":1}""", ["xdotool", "click", "1"]),
        new("type 100 ASCII chars", JsonSerializer.Serialize(new { action = "type_text", text = Text100 }), ["xdotool", "type", "--delay", "0", Text100]),
        new("screenshot PNG", """{"action":"screenshot"}""", ["import", "-window", "root", "png:-"]),
        new("screenshot JPEG", """{"action":"screenshot","format":"jpeg","quality":80}""", ["import", "-window", "root", "-quality", "80", "jpeg:-"]),
    ];

    public static async Task RunAsync(Args options)
    {
        var port = HostRun.FreePort();
        var display = 150 + Random.Shared.Next(100);
        const string token = "bench-token";
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-desktop-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(options.HostDll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["BYTEBOT_DATA_DIR"] = dataDir;
        start.Environment["BYTEBOT_TOKEN"] = token;
        start.Environment["Desktop__Mode"] = "Managed";
        start.Environment["Desktop__DisplayNumber"] = display.ToString(CultureInfo.InvariantCulture);
        start.Environment.Remove("DISPLAY");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            await HostRun.PollAsync(http, "/health/ready", Stopwatch.StartNew(), host);
            var results = new List<object>();
            var lines = new List<string> { "| operation | ours ms (median) | peer | peer ms (median) | ours / peer |", "|---|---|---|---|---|" };
            foreach (var operation in Operations)
            {
                var ours = new List<double>();
                var peer = new List<double>();
                await PostAsync(http, operation.Body);
                await RunPeerAsync(operation.Peer, display);
                for (var i = 0; i < options.Runs; i++)
                {
                    ours.Add(await PostAsync(http, operation.Body));
                    peer.Add(await RunPeerAsync(operation.Peer, display));
                }
                var (oursMedian, peerMedian) = (Median(ours), Median(peer));
                results.Add(new { operation = operation.Name, oursMedianMs = oursMedian, peer = operation.Peer[0], peerMedianMs = peerMedian, ratio = oursMedian / peerMedian, runs = options.Runs });
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {operation.Name} | {oursMedian:F2} | {operation.Peer[0]} | {peerMedian:F2} | {oursMedian / peerMedian:F2} |"));
                Console.WriteLine(lines[^1]);
            }
            var summary = new { machine = $"{Environment.ProcessorCount} cores", display = $":{display}", results };
            await File.WriteAllTextAsync(Path.Combine(options.Out, "desktop.json"), JsonSerializer.Serialize(summary, Indented));
            await File.WriteAllTextAsync(Path.Combine(options.Out, "desktop.md"), string.Join('\n', lines) + "\n");
        }
        finally
        {
            _ = HostRun.Kill(host.Id, 15);
            if (!host.WaitForExit(TimeSpan.FromSeconds(30)))
                host.Kill(entireProcessTree: true);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    // HTTP round trip including reading the whole body, as a client sees it.
    private static async Task<double> PostAsync(HttpClient http, string body)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri("/computer-use", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if ((int)response.StatusCode != 201)
            throw new InvalidOperationException($"{body} answered {(int)response.StatusCode}");
        return elapsed;
    }

    // Process start to exit with stdout drained: what a script calling the peer tool pays per operation.
    private static async Task<double> RunPeerAsync(string[] command, int display)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment["DISPLAY"] = $":{display}";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command[0]} exited with {process.ExitCode}: {await errors}");
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
