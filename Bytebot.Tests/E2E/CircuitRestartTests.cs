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
        // What blazor.web.js says about its reconnection attempts, for a failure's log.
        page.Console += (_, message) => TestContext.Current.TestOutputHelper?.WriteLine($"console {message.Type}: {message.Text}");
        try
        {
            using (var first = await PublishedHost.StartAsync(baseUrl, token, database, keptKeys, keptKeys))
            {
                await DashboardBrowser.SignInAsync(page, baseUrl, token, "/tasks");
                await Assertions.Expect(banner).ToBeHiddenAsync();
                await page.EvaluateAsync("() => window.notReloaded = true");
                await first.StopAsync();
            }
            await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(banner).ToContainTextAsync("The connection to Bytebot was lost.");
            (await banner.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftStyle")).ShouldBe("solid");
            await Screenshots.SaveAsync(page, "reconnecting");

            // Same data dir, same key ring: the old circuit is gone, so blazor.web.js reloads; the cookie still holds.
            var reload = page.WaitForRequestAsync(r => r.IsNavigationRequest, new() { Timeout = 120_000 });
            using (var second = await PublishedHost.StartAsync(baseUrl, token, database, keptKeys, keptKeys))
            {
                await reload;
                // The old page keeps its last DOM while disconnected, so "live" counts only in the reloaded one.
                await page.WaitForFunctionAsync(
                    "() => window.notReloaded === undefined && !!document.querySelector(\"[data-circuit='connected']\")",
                    null, new() { Timeout = 60_000 });
                page.Url.ShouldBe(baseUrl + "/tasks");
                await Assertions.Expect(banner).ToBeHiddenAsync();
                await page.EvaluateAsync("() => window.notReloaded = true");
                await second.StopAsync();
            }

            // Another data dir: its key ring cannot read the cookie, so the reloaded page meets the sign-in page.
            using (await PublishedHost.StartAsync(baseUrl, token, database, otherKeys, otherKeys))
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
}
