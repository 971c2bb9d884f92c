using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// Measured, not asserted (speed is reported, never a wall-clock limit in a test): how long a committed event takes
/// to reach an open page over the circuit, and how long a 300-step task page takes to become interactive.
/// </summary>
public sealed class DashboardMeasurementTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_reach_an_open_task_page_and_a_300_step_page_becomes_interactive()
    {
        var taskId = await host.CreateTaskAsync("Tidy the downloads folder steps:301 hold:301");
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(4));
            while (await host.StepCountAsync(taskId) < 301)
                await Task.Delay(250, limit.Token);
        }

        // Time to interactive: from navigation to the whole timeline on screen with the circuit live.
        var page = await host.OpenAsync("/");
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"{host.BaseUrl}/tasks/{taskId}");
        await Assertions.Expect(page.Locator("[data-task-page]")).ToHaveAttributeAsync("data-loaded", "true", new() { Timeout = 30_000 });
        // The timeline is virtualized: all 301 steps are folded, the rows in view are rendered.
        await Assertions.Expect(page.Locator("[data-timeline]")).ToHaveAttributeAsync("data-steps", "301", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-timeline] li[data-step-id]").First).ToBeVisibleAsync();
        var interactive = clock.Elapsed;

        // Event → DOM: a follow-up message is committed through the API; the page stamps when its text appears.
        await page.EvaluateAsync("""
            () => {
              window.seen = {};
              new MutationObserver(() => {
                for (const p of document.querySelectorAll('[role=log] p')) {
                  const m = /^probe (\d+)$/.exec(p.textContent);
                  if (m && !(m[1] in window.seen)) window.seen[m[1]] = Date.now();
                }
              }).observe(document.querySelector('[role=log]'), { childList: true, subtree: true, characterData: true });
            }
            """);
        using var client = host.Factory.CreateAuthenticatedClient();
        var sent = new Dictionary<int, long>();
        for (var i = 0; i < 20; i++)
        {
            sent[i] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            (await client.PostAsJsonAsync($"/api/tasks/{taskId}/messages", new { message = $"probe {i}" }, Ct)).EnsureSuccessStatusCode();
            await Assertions.Expect(page.GetByRole(AriaRole.Log).GetByText($"probe {i}", new() { Exact = true })).ToHaveCountAsync(1);
        }
        var seen = await page.EvaluateAsync<Dictionary<string, long>>("() => window.seen");
        var latencies = sent.Select(s => seen[s.Key.ToString(CultureInfo.InvariantCulture)] - s.Value).Order().ToList();
        var median = (latencies[9] + latencies[10]) / 2.0;
        await Screenshots.SaveAsync(page, "task-300-steps");

        // Server memory per open circuit: the managed heap (the host runs in this process) and the process's resident
        // set before and after opening more tabs, each its own browser context with its own sign-in and circuit. The
        // resident set also counts native buffers (the live view's WebSocket bridge) but includes whatever the GC
        // has not given back: read it as an upper bound.
        var perCircuit = new Dictionary<string, (double Heap, double Resident)>();
        (string Name, string Path)[] pages =
            [("home", "/"), ("desktop (live view)", "/desktop"), ("300-step task", $"/tasks/{taskId}")];
        foreach (var (name, path) in pages)
        {
            const int Tabs = 6;
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var residentBefore = ResidentBytes();
            var tabs = new List<IPage>();
            for (var i = 0; i < Tabs; i++)
            {
                var tab = await host.OpenAsync(path);
                if (path.StartsWith("/tasks/", StringComparison.Ordinal))
                {
                    await Assertions.Expect(tab.Locator("[data-task-page]"))
                        .ToHaveAttributeAsync("data-loaded", "true", new() { Timeout = 30_000 });
                }
                if (path == "/desktop")
                    await LiveDesktopTests.WaitForFramesAsync(tab);
                tabs.Add(tab);
            }
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            var residentAfter = ResidentBytes();
            perCircuit[name] = ((heapAfter - heapBefore) / 1024.0 / Tabs,
                (residentAfter - residentBefore) / 1024.0 / Tabs);
            foreach (var tab in tabs)
                await tab.Context.CloseAsync();
        }
        host.Agent.Release(taskId);

        var line = $"dashboard: 300-step task page interactive in {interactive.TotalMilliseconds:F0} ms; " +
            $"event → DOM median {median:F0} ms (min {latencies[0]}, max {latencies[^1]}, n={latencies.Count}, " +
            "from before the API write to the text in the page); per open circuit, managed heap / resident set: " +
            string.Join(", ", perCircuit.Select(p => $"{p.Key} {p.Value.Heap:F0} / {p.Value.Resident:F0} KiB")) +
            " (6 tabs each)";
        Console.WriteLine(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Screenshots.Directory, "..", "dashboard-measurements.log"),
            $"{DateTimeOffset.UtcNow:O} {line}\n", Ct);
        latencies.Count.ShouldBe(20);
        perCircuit.Count.ShouldBe(3);
    }

    private static long ResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
