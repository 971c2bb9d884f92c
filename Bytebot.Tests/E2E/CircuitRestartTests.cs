using System.Diagnostics;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// The host restarted under an open dashboard, as its own process on one port: the page shows the reconnect banner,
/// reloads itself once the host answers again and, when the new host's key ring cannot read the session cookie,
/// lands on the sign-in page.
/// </summary>
public sealed class CircuitRestartTests(PostgresFixture postgres)
{
    private static readonly string HostAssembly =
        Path.Combine(RepositoryRoot.Find(), "Bytebot.Host", "bin", "Release", "net10.0", "Bytebot.Host.dll");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_restart_the_page_reloads_itself_and_a_new_key_ring_sends_it_to_sign_in()
    {
        var database = await postgres.CreateDatabaseAsync();
        var keptKeys = Directory.CreateTempSubdirectory("bytebot-data-").FullName;
        var otherKeys = Directory.CreateTempSubdirectory("bytebot-data-").FullName;
        var token = "bbt_test_" + Guid.NewGuid().ToString("N");
        var baseUrl = $"http://127.0.0.1:{Bytebot.Platform.Os.LoopbackPort.Free()}";
        await using var browser = await Browsers.LaunchChromiumAsync();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var banner = page.Locator("[data-reconnect]");
        try
        {
            using (var first = await StartAsync(baseUrl, token, database, keptKeys))
            {
                await DashboardBrowser.SignInAsync(page, baseUrl, token, "/tasks");
                await Assertions.Expect(banner).ToBeHiddenAsync();
                await page.EvaluateAsync("() => window.notReloaded = true");
                await StopAsync(first);
            }
            await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(banner).ToContainTextAsync("The connection to Bytebot was lost.");
            (await banner.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftStyle")).ShouldBe("solid");
            await Screenshots.SaveAsync(page, "reconnecting");

            // Same data dir, same key ring: the old circuit is gone, so blazor.web.js reloads; the cookie still holds.
            var reload = page.WaitForRequestAsync(r => r.IsNavigationRequest, new() { Timeout = 120_000 });
            using (var second = await StartAsync(baseUrl, token, database, keptKeys))
            {
                await reload;
                // The old page keeps its last DOM while disconnected, so "live" counts only in the reloaded one.
                await page.WaitForFunctionAsync(
                    "() => window.notReloaded === undefined && !!document.querySelector(\"[data-circuit='connected']\")",
                    null, new() { Timeout = 60_000 });
                page.Url.ShouldBe(baseUrl + "/tasks");
                await Assertions.Expect(banner).ToBeHiddenAsync();
                await page.EvaluateAsync("() => window.notReloaded = true");
                await StopAsync(second);
            }

            // Another data dir: its key ring cannot read the cookie, so the reloaded page meets the sign-in page.
            using (await StartAsync(baseUrl, token, database, otherKeys))
            {
                await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 90_000 });
                (await page.EvaluateAsync<bool>("() => window.notReloaded === undefined")).ShouldBeTrue();
                await DashboardBrowser.SignInAsync(page, baseUrl, token, "/tasks");
            }
        }
        finally
        {
            foreach (var dir in new[] { keptKeys, otherKeys })
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // A child's last writes can race the delete; the temp dir is harmless.
                }
            }
        }
    }

    private static async Task<HostProcess> StartAsync(string baseUrl, string token, string database, string dataDir)
    {
        var start = new ProcessStartInfo("dotnet", [HostAssembly, "--urls", baseUrl])
        {
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["BYTEBOT_DATA_DIR"] = dataDir;
        start.Environment["BYTEBOT_TOKEN"] = token;
        start.Environment["ConnectionStrings__Bytebot"] = database;
        start.Environment["Desktop__Mode"] = "Managed";
        start.Environment["Desktop__WorkspaceRoot"] = Path.Combine(dataDir, "workspace");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var host = new HostProcess(Process.Start(start)!);
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health/live", limit.Token);
                if (response.IsSuccessStatusCode)
                    return host;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250, limit.Token);
        }
    }

    // SIGTERM, as a service manager stops it (the host stops its desktop's children by PID on the way out); what
    // is still running after the grace a service manager gives is killed with its children.
    private static async Task StopAsync(HostProcess host)
    {
        var pid = host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var term = Process.Start("kill", ["-TERM", pid]))
            await term.WaitForExitAsync(Ct);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        grace.CancelAfter(TimeSpan.FromSeconds(45));
        await host.Process.WaitForExitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        host.Dispose();
    }

    private sealed class HostProcess : IDisposable
    {
        public HostProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private bool _disposed;

        public Process Process { get; }

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }
    }
}
