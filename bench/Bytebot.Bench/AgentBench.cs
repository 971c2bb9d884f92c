using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Bench;

/// <summary>
/// The agent's own cost per step, without the model: a 30-step task in a terminal on the managed desktop against a
/// loopback Messages API that answers at once (so every millisecond of a step but the model call is ours), beside
/// Bytebot's step as it is built (action, then its fixed 750 ms sleep, then a full-size PNG screenshot) driven through
/// the same host's /computer-use. Also the request at step 30: images kept and estimated input tokens (Anthropic's
/// published (width × height) / 750 per image, 4 characters a token for text) against Bytebot's keep-every-image
/// context.
/// </summary>
internal static class AgentBench
{
    private const int Steps = 30;
    private const string Model = "claude-sonnet-4-20250514";

    internal sealed record BenchAction(string Name, object Input);

    private static readonly BenchAction[] Actions =
    [
        new("computer_move_mouse", new { coordinates = new { x = 400, y = 300 } }),
        new("computer_click_mouse", new { coordinates = new { x = 500, y = 400 }, button = "left", clickCount = 1 }),
        new("computer_type_text", new { text = "hello from the bench" }),
        new("computer_scroll", new { coordinates = new { x = 600, y = 500 }, direction = "down", scrollCount = 2 }),
        new("computer_screenshot", new { }),
    ];

    // The actions run in a terminal, as an agent's would in an app: on the bare desktop typed letters open Thunar.
    private static readonly BenchAction OpenTerminal = new("computer_application", new { application = "terminal" });

    public static async Task RunAsync(BenchArgs options)
    {
        var bodies = new List<JsonElement>();
        await using var llm = await StartFakeAnthropicAsync(bodies, step => step switch
        {
            1 => OpenTerminal,
            > Steps + 1 => Completed,
            _ => Actions[(step - 2) % Actions.Length],
        });
        var dataDir = Directory.CreateTempSubdirectory("bytebot-bench-agent-").FullName;
        try
        {
            await using var host = HostProcess.Start(options.HostDll, new Dictionary<string, string>
            {
                ["BYTEBOT_DATA_DIR"] = dataDir,
                ["Desktop__Mode"] = "Managed",
                ["Desktop__DisplayNumber"] = (150 + Random.Shared.Next(100)).ToString(CultureInfo.InvariantCulture),
            }.Concat(ModelSettings(llm)).ToDictionary());
            await host.WaitForAsync("/health/ready");
            var http = host.Http;

            using var created = await http.PostAsJsonAsync("/api/tasks", new { description = "bench", model = new { provider = "anthropic", name = "bench", title = "bench" } });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var clock = Stopwatch.StartNew();
            while ((await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}")).GetProperty("status").GetString() is not ("COMPLETED" or "FAILED" or "NEEDS_HELP"))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                    throw new TimeoutException("the bench task did not finish in 5 minutes");
                await Task.Delay(100);
            }
            var steps = (await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline")).EnumerateArray()
                .Where(s => s.GetProperty("action").ValueKind == JsonValueKind.String
                    && s.GetProperty("action").GetString() != OpenTerminal.Name).ToList();
            var overhead = steps.Select(s => s.GetProperty("durationMs").GetDouble() - s.GetProperty("modelMs").GetDouble()).ToList();
            var settle = steps.Select(s => s.GetProperty("settleMs") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : 0).ToList();
            var byAction = steps.Select((s, i) => (Action: s.GetProperty("action").GetString()!, Overhead: overhead[i], Settle: settle[i]))
                .GroupBy(s => s.Action)
                .Select(g => (g.Key, Overhead: Report.Percentile([.. g.Select(s => s.Overhead)], 0.5),
                    Settle: Report.Percentile([.. g.Select(s => s.Settle)], 0.5), Max: g.Max(s => s.Overhead)))
                .ToList();

            // Bytebot's step on the same desktop: the action, 750 ms, then a full 1280x960 PNG through the daemon API.
            var bytebot = new List<double>();
            for (var i = 0; i < Steps; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var action = Actions[i % Actions.Length];
                var body = JsonSerializer.SerializeToNode(action.Input)!.AsObject();
                body["action"] = action.Name["computer_".Length..];
                if (action.Name != "computer_screenshot")
                {
                    (await http.PostAsJsonAsync("/computer-use", body)).EnsureSuccessStatusCode();
                    await Task.Delay(750);
                }
                (await http.PostAsJsonAsync("/computer-use", new { action = "screenshot" })).EnsureSuccessStatusCode();
                bytebot.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var atStep30 = bodies[Math.Min(Steps, bodies.Count) - 1];
            var (images, imageTokens, textTokens) = Tokens(atStep30);
            // Bytebot keeps every screenshot: one full 1280x960 image per step so far.
            var bytebotTokens = textTokens + ((Steps - 1) * 1280 * 960 / 750);
            var oursP50 = Report.Percentile(overhead, 0.5);
            var oursP95 = Report.Percentile(overhead, 0.95);
            var peerP50 = Report.Percentile(bytebot, 0.5);
            var peerP95 = Report.Percentile(bytebot, 0.95);
            await Report.WriteAsync(options.Out, "agent", new
            {
                steps = steps.Count,
                overheadMs = new { p50 = oursP50, p95 = oursP95 },
                settleMs = new { p50 = Report.Percentile(settle, 0.5), p95 = Report.Percentile(settle, 0.95) },
                bytebotStepMs = new { p50 = peerP50, p95 = peerP95 },
                ratio = new { p50 = oursP50 / peerP50, p95 = oursP95 / peerP95 },
                step30 = new { images, estimatedInputTokens = imageTokens + textTokens, bytebotEstimatedInputTokens = bytebotTokens },
            },
            [
                "| per step, model time excluded | ours p50 | ours p95 | Bytebot-style p50 | Bytebot-style p95 | ratio p50 |",
                "|---|---|---|---|---|---|",
                $"| action + settle + screenshot + bookkeeping (ms) | {Report.Format(oursP50)} | {Report.Format(oursP95)} | {Report.Format(peerP50)} | {Report.Format(peerP95)} | {Report.Format(oursP50 / peerP50)} |",
                "",
                "| per action (ours) | p50 ms | of it settling, p50 ms | slowest ms |",
                "|---|---|---|---|",
                .. byAction.Select(a => $"| {a.Key} | {Report.Format(a.Overhead)} | {Report.Format(a.Settle)} | {Report.Format(a.Max)} |"),
                "",
                "| request at step 30 | images | estimated input tokens |",
                "|---|---|---|",
                $"| ours (last 3 screenshots, 1024x768) | {images} | {imageTokens + textTokens} |",
                $"| Bytebot (every screenshot, 1280x960) | {Steps - 1} | {bytebotTokens} |",
            ]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static (int Images, long ImageTokens, long TextTokens) Tokens(JsonElement request)
    {
        var images = 0;
        long imageTokens = 0, characters = request.GetProperty("system").ToString().Length + request.GetProperty("tools").ToString().Length;
        void Walk(JsonElement block)
        {
            switch (block.GetProperty("type").GetString())
            {
                case "image":
                    images++;
                    var png = Convert.FromBase64String(block.GetProperty("source").GetProperty("data").GetString()!);
                    // PNG IHDR: width and height are big-endian at bytes 16 and 20.
                    imageTokens += (long)System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))
                        * System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)) / 750;
                    break;
                case "tool_result":
                    foreach (var inner in block.GetProperty("content").EnumerateArray())
                        Walk(inner);
                    break;
                default:
                    characters += block.ToString().Length;
                    break;
            }
        }
        foreach (var message in request.GetProperty("messages").EnumerateArray())
            foreach (var block in message.GetProperty("content").EnumerateArray())
                Walk(block);
        return (images, imageTokens, characters / 4);
    }

    /// <summary>The host's settings for one model served by <paramref name="llm"/>.</summary>
    internal static Dictionary<string, string> ModelSettings(WebApplication llm) => new()
    {
        ["Agent__Models__0__Name"] = "bench",
        ["Agent__Models__0__Provider"] = "anthropic",
        ["Agent__Models__0__Model"] = Model,
        ["Agent__Models__0__BaseUrl"] = llm.Urls.Single(),
        ["Agent__Models__0__ApiKey"] = "bench",
        ["Agent__Models__0__Stream"] = "false",
    };

    /// <summary>The tool call that ends a task at once.</summary>
    internal static readonly BenchAction Completed =
        new("set_task_status", new { status = "completed", description = "bench" });

    /// <summary>A loopback Messages API answering the n-th request (from 1) with the tool call of the script.</summary>
    internal static async Task<WebApplication> StartFakeAnthropicAsync(
        List<JsonElement> bodies, Func<int, BenchAction> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/messages", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            int step;
            lock (bodies)
            {
                bodies.Add(body.RootElement.Clone());
                step = bodies.Count;
            }
            var action = script(step);
            var block = new { type = "tool_use", id = $"toolu_{step}", name = action.Name, input = action.Input };
            return Results.Json(new
            {
                id = $"msg_{step}", type = "message", role = "assistant", model = Model, content = new[] { block },
                stop_reason = "tool_use", stop_sequence = (string?)null,
                usage = new { input_tokens = 10, output_tokens = 5, cache_read_input_tokens = 0, cache_creation_input_tokens = 0 },
            });
        });
        await app.StartAsync();
        return app;
    }
}
