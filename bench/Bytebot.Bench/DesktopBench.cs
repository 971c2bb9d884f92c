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

    // The body of run i (-1 is the warm-up), and the peer command with its extra environment.
    // An operation without a peer (nothing on the machine reads the accessibility tree) reports ours alone; Before is
    // posted once, until it succeeds, before the warm-up. Still waits, before the warm-up, until the screen stops
    // changing.
    private sealed record Operation(string Name, Func<int, string> Body, string[] Peer, string? PeerEnvironment = null,
        string? Before = null, bool Still = false);

    // The tesseract CLI reads the screenshot the bench saved (the same pixels find_text reads).
    private const string ScreenPng = "{screen.png}";

    private static Operation Fixed(string name, string body, params string[] peer) => new(name, _ => body, peer);

    private static readonly Operation[] Operations =
    [
        Fixed("move mouse", """{"action":"move_mouse","coordinates":{"x":640,"y":480}}""", "xdotool", "mousemove", "640", "480"),
        Fixed("click", """{"action":"click_mouse","button":"left","clickCount":1}""", "xdotool", "click", "1"),
        Fixed("type 100 ASCII chars", JsonSerializer.Serialize(new { action = "type_text", text = Text100 }), "xdotool", "type", "--delay", "0", Text100),
        // The input above opens Thunar windows that go on drawing for seconds: a capture waits behind Xvfb's drawing, and both
        // we and import would measure that instead of the screenshot.
        // An unchanged screen asked for the same way is answered with the bytes encoded before (ADR 0066); a region one
        // pixel narrower per run is encoded afresh every time, as a changed screen is. import encodes every run.
        Fixed("screenshot PNG, unchanged screen (cached)", """{"action":"screenshot"}""",
            "import", "-window", "root", "png:-") with { Still = true },
        new("screenshot PNG, encoded afresh", i => Shot("png", i), ["import", "-window", "root", "png:-"], Still: true),
        Fixed("screenshot JPEG, unchanged screen (cached)", """{"action":"screenshot","format":"jpeg","quality":80}""",
            "import", "-window", "root", "-quality", "80", "jpeg:-") with { Still = true },
        new("screenshot JPEG, encoded afresh", i => Shot("jpeg", i),
            ["import", "-window", "root", "-quality", "80", "jpeg:-"], Still: true),
        // A region one pixel narrower per run (16 sizes, 8 cached) so every run recognizes afresh, as on a changed screen.
        new("find_text full screen, fresh frame", i => FindText(1280 - (i + 1) % 16), ["tesseract", ScreenPng, "-", "tsv"]),
        new("find_text full screen, fresh frame (CLI with OMP_THREAD_LIMIT=1)", i => FindText(1280 - (i + 1) % 16),
            ["tesseract", ScreenPng, "-", "tsv"], "OMP_THREAD_LIMIT=1"),
        Fixed("find_text, unchanged screen (cached)", FindText(1280), "tesseract", ScreenPng, "-", "tsv"),
        new("accessibility_tree of the editor window", _ => """{"action":"accessibility_tree"}""", [],
            Before: """{"action":"application","application":"editor"}"""),
    ];

    private static string Shot(string format, int run) => JsonSerializer.Serialize(new
    {
        action = "screenshot", format, quality = 80, region = new { x = 0, y = 0, width = 1280 - (run + 1) % 16, height = 960 },
    });

    private static string FindText(int width) =>
        JsonSerializer.Serialize(new { action = "find_text", text = "Applications", region = new[] { 0, 0, width, 960 } });

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
            // Ready is before the session has drawn its panel: the CLI must read the screen find_text reads.
            await UntilFoundAsync(host.Http, FindText(1280));
            var screen = Path.Combine(dataDir, "screen.png");
            using (var shot = await host.Http.PostAsync(new Uri("/computer-use", UriKind.Relative),
                new StringContent("""{"action":"screenshot"}""", Encoding.UTF8, "application/json")))
                await File.WriteAllBytesAsync(screen, Convert.FromBase64String(
                    JsonDocument.Parse(await shot.Content.ReadAsStringAsync()).RootElement.GetProperty("image").GetString()!));
            var results = new List<object>();
            var lines = new List<string> { "| operation | ours ms (median) | peer | peer ms (median) | ours / peer |", "|---|---|---|---|---|" };
            foreach (var operation in Operations.Where(o => options.Only.Split(',').Any(part => o.Name.Contains(part, StringComparison.Ordinal))))
            {
                var ours = new List<double>();
                var peer = new List<double>();
                var command = operation.Peer.Select(word => word == ScreenPng ? screen : word).ToArray();
                if (operation.Before is { } before)
                    await PrepareAsync(host.Http, before, operation.Body(-1));
                if (operation.Still)
                    await WaitForStillScreenAsync(host.Http);
                await PostAsync(host.Http, operation.Body(-1));
                if (command.Length > 0)
                    await RunPeerAsync(command, display, operation.PeerEnvironment);
                for (var i = 0; i < options.Runs; i++)
                {
                    ours.Add(await PostAsync(host.Http, operation.Body(i)));
                    if (command.Length > 0)
                        peer.Add(await RunPeerAsync(command, display, operation.PeerEnvironment));
                }
                var oursMedian = Report.Median(ours);
                if (command.Length == 0)
                {
                    results.Add(new { operation = operation.Name, oursMedianMs = oursMedian, oursP95Ms = ours.Order().ElementAt((int)(ours.Count * 0.95)), runs = options.Runs });
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {operation.Name} | {oursMedian:F2} | none | | |"));
                    continue;
                }
                var peerMedian = Report.Median(peer);
                results.Add(new { operation = operation.Name, oursMedianMs = oursMedian, peer = string.Join(' ', command), peerMedianMs = peerMedian, ratio = oursMedian / peerMedian, runs = options.Runs });
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

    private static async Task UntilFoundAsync(HttpClient http, string body)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            using var response = await http.PostAsync(new Uri("/computer-use", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            if (JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("matches", out var matches)
                && matches.GetArrayLength() > 0)
                return;
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"{body} found nothing within 30 s of readiness");
    }

    // Opens what the operation reads (the editor), and waits up to 20 s until reading it answers more than an empty list.
    private static async Task PrepareAsync(HttpClient http, string before, string body)
    {
        await PostAsync(http, before);
        for (var attempt = 0; attempt < 80; attempt++)
        {
            using var response = await http.PostAsync(new Uri("/computer-use", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            if (JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("elements", out var elements)
                && elements.GetArrayLength() > 10)
                return;
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"{body} listed nothing within 20 s of {before}");
    }

    // Five PNG screenshots 250 ms apart with the same bytes (windows that the typing opened map one after the other,
    // with still moments in between), or 30 s.
    private static async Task WaitForStillScreenAsync(HttpClient http)
    {
        var previous = "";
        var same = 0;
        for (var attempt = 0; attempt < 120 && same < 4; attempt++)
        {
            using var response = await http.PostAsync(new Uri("/computer-use", UriKind.Relative),
                new StringContent("""{"action":"screenshot"}""", Encoding.UTF8, "application/json"));
            var image = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("image").GetString()!;
            same = image == previous ? same + 1 : 0;
            previous = image;
            await Task.Delay(250);
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
    private static async Task<double> RunPeerAsync(string[] command, int display, string? environment)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment["DISPLAY"] = $":{display}";
        // Left to itself the CLI's OpenMP takes every core (the default a script gets).
        start.Environment.Remove("OMP_THREAD_LIMIT");
        if (environment?.Split('=', 2) is [var name, var value])
            start.Environment[name] = value;
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
