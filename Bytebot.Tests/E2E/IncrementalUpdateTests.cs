using System.Collections.Concurrent;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// Bytebot's UI re-downloads a task's whole history on every new message. Ours must not: with 300 steps on the page,
/// the next step may cost only its own events (and thumbnail). Bytes are counted by Chromium itself (CDP
/// <c>Network.dataReceived</c>, body bytes per request; the live view's WebSocket frames are not HTTP and not counted).
/// </summary>
public sealed class IncrementalUpdateTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task A_new_step_on_a_300_step_task_transfers_only_that_step()
    {
        var taskId = await host.CreateTaskAsync("Tidy the downloads folder steps:301 hold:301");
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(4));
            while (await host.StepCountAsync(taskId) < 301)
                await Task.Delay(250, limit.Token);
        }

        var page = await host.OpenAsync("/");
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var urls = new ConcurrentDictionary<string, string>();
        var bytes = new ConcurrentDictionary<string, long>();
        var requestsAfter = new ConcurrentBag<string>();
        var phase = 0; // 0: page load, 1: after the new step was released
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            var url = e!.Value.GetProperty("request").GetProperty("url").GetString()!;
            urls[e.Value.GetProperty("requestId").GetString()!] = url;
            if (Volatile.Read(ref phase) == 1)
                requestsAfter.Add(url);
        };
        cdp.Event("Network.dataReceived").OnEvent += (_, e) =>
            bytes.AddOrUpdate($"{Volatile.Read(ref phase)}|{e!.Value.GetProperty("requestId").GetString()}",
                e.Value.GetProperty("dataLength").GetInt64(), (_, sum) => sum + e.Value.GetProperty("dataLength").GetInt64());
        await cdp.SendAsync("Network.enable");

        await page.GotoAsync($"{host.BaseUrl}/tasks/{taskId}");
        await Assertions.Expect(page.Locator("[data-task-page]")).ToHaveAttributeAsync("data-loaded", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-timeline] li")).ToHaveCountAsync(301);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 5_000 }).ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Volatile.Write(ref phase, 1);
        host.Agent.Release(taskId);
        await Assertions.Expect(page.Locator("[data-status]")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-timeline] li")).ToHaveCountAsync(302);
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        await Screenshots.SaveAsync(page, "task-300-steps");

        var initial = Sum(bytes, 0);
        var after = Sum(bytes, 1);
        var history = Sum(bytes, 0, id => urls.GetValueOrDefault(id, "").Contains($"/api/tasks/{taskId}/events", StringComparison.Ordinal));
        var line = $"300-step task page: initial load {initial} body bytes (event history {history}), " +
            $"new step {after} bytes = {100.0 * after / initial:F2}% of the load; requests after the load: [{string.Join(", ", requestsAfter)}]";
        Console.WriteLine(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Screenshots.Directory, "..", "dashboard-measurements.log"),
            $"{DateTimeOffset.UtcNow:O} {line}\n", TestContext.Current.CancellationToken);

        after.ShouldBeGreaterThan(0, "the new step never reached the page");
        after.ShouldBeLessThan(initial / 20, "the new step cost more than 5% of the page load");
        requestsAfter.ShouldNotContain(u => u.Contains("/timeline", StringComparison.Ordinal) || u.Contains("/messages", StringComparison.Ordinal)
            || u.Contains("/events", StringComparison.Ordinal) || u.EndsWith($"/api/tasks/{taskId}", StringComparison.Ordinal));
    }

    private static long Sum(ConcurrentDictionary<string, long> bytes, int phase, Func<string, bool>? request = null) =>
        bytes.Where(p => p.Key.StartsWith($"{phase}|", StringComparison.Ordinal) && (request?.Invoke(p.Key[2..]) ?? true)).Sum(p => p.Value);
}
