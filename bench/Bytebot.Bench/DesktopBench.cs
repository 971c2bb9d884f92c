using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bytebot.Bench;

/// <summary>
/// One host with its own managed Xvfb; on that display, each operation through our HTTP endpoint and through the usual
/// peer tool (xdotool for input, ImageMagick import for capture), alternated run by run so both see the same load.
/// Medians over --runs, and ratios ours/peer (below 1 = we are faster). Needs the native X driver in the host.
/// </summary>
internal static class DesktopBench
{
    private static readonly string Text100 = string.Concat(Enumerable.Repeat("The quick brown fox jumps. ", 4))[..100];

    private sealed record Operation(string Name, string Body, string[] Peer);

    private static readonly Operation[] Operations =
    [
        new("move mouse", """{"action":"move_mouse","coordinates":{"x":640,"y":480}}""", ["xdotool", "mousemove", "640", "480"]),
        new("click", """{"action":"click_mouse","button":"left","clickCount":1}""", ["xdotool", "click", "1"]),
        new("type 100 ASCII chars", JsonSerializer.Serialize(new { action = "type_text", text = Text100 }), ["xdotool", "type", "--delay", "0", Text100]),
        new("screenshot PNG", """{"action":"screenshot"}""", ["import", "-window", "root", "png:-"]),
        new("screenshot JPEG", """{"action":"screenshot","format":"jpeg","quality":80}""", ["import", "-window", "root", "-quality", "80", "jpeg:-"]),
    ];

    public static async Task RunAsync(BenchArgs options)
    {
        var display = 150 + Random.Shared.Next(100);
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-desktop-").FullName;
        try
        {
            await using var host = HostProcess.Start(options.HostDll, new Dictionary<string, string>
            {
                ["BYTEBOT_DATA_DIR"] = dataDir,
                ["Desktop__Mode"] = "Managed",
                ["Desktop__DisplayNumber"] = display.ToString(CultureInfo.InvariantCulture),
            });
            await host.WaitForAsync("/health/ready");
            var results = new List<object>();
            var lines = new List<string> { "| operation | ours ms (median) | peer | peer ms (median) | ours / peer |", "|---|---|---|---|---|" };
            foreach (var operation in Operations)
            {
                var ours = new List<double>();
                var peer = new List<double>();
                await PostAsync(host.Http, operation.Body);
                await RunPeerAsync(operation.Peer, display);
                for (var i = 0; i < options.Runs; i++)
                {
                    ours.Add(await PostAsync(host.Http, operation.Body));
                    peer.Add(await RunPeerAsync(operation.Peer, display));
                }
                var (oursMedian, peerMedian) = (Report.Median(ours), Report.Median(peer));
                results.Add(new { operation = operation.Name, oursMedianMs = oursMedian, peer = operation.Peer[0], peerMedianMs = peerMedian, ratio = oursMedian / peerMedian, runs = options.Runs });
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {operation.Name} | {oursMedian:F2} | {operation.Peer[0]} | {peerMedian:F2} | {oursMedian / peerMedian:F2} |"));
            }
            await Report.WriteAsync(options.Out, "desktop", new { machine = $"{Environment.ProcessorCount} cores", display = $":{display}", results }, lines);
        }
        finally
        {
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
}
