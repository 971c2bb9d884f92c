using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>
/// The published way of running: <c>dotnet Bytebot.Host.dll</c> as its own process, started from a working directory
/// that is not its folder (a service unit, the container), then the dashboard in Debian's Chromium.
/// </summary>
public sealed class DashboardSignInTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Started_from_another_folder_the_dashboard_signs_in_and_every_page_is_styled_and_live()
    {
        var elsewhere = Directory.CreateTempSubdirectory("bytebot-cwd-").FullName;
        var dataDir = Directory.CreateTempSubdirectory("bytebot-data-").FullName;
        var token = "bbt_test_" + Guid.NewGuid().ToString("N");
        var baseUrl = $"http://127.0.0.1:{Bytebot.Platform.Os.LoopbackPort.Free()}";
        using var process = await PublishedHost.StartAsync(baseUrl, token, await postgres.CreateDatabaseAsync(), dataDir, elsewhere);
        try
        {
            using (var client = new HttpClient { BaseAddress = new Uri(baseUrl) })
            {
                client.DefaultRequestHeaders.Authorization = new("Bearer", token);
                (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
            }
            await using var browser = await Browsers.LaunchChromiumAsync();
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });

            await page.GotoAsync(baseUrl + "/status");
            page.Url.ShouldContain("/login");
            await Screenshots.SaveAsync(page, "login");
            await DashboardBrowser.SignInAsync(page, baseUrl, token, "/status");

            var table = page.GetByRole(AriaRole.Table, new() { Name = "Components" });
            foreach (var component in new[] { "database", "display", "vnc" })
                await Assertions.Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = component })).ToContainTextAsync("Healthy");
            await Assertions.Expect(page.GetByText("Overall:")).ToContainTextAsync("Healthy");
            await Screenshots.SaveAsync(page, "status");

            foreach (var path in new[] { "/", "/tasks", "/status", "/desktop" })
            {
                await page.GotoAsync(baseUrl + path);
                await DashboardBrowser.WaitForCircuitAsync(page);
                (await DashboardBrowser.AppBarColourAsync(page)).ShouldBe(DashboardBrowser.LightAppBar, $"{path} is unstyled");
            }
            (await LiveDesktopTests.WaitForFramesAsync(page)).ShouldBeGreaterThanOrEqualTo(20, "the live view stayed blank");

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        }
        finally
        {
            await process.StopAsync();
            Directory.Delete(elsewhere, recursive: true);
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // The managed cluster's last writes can race the delete; the temp dir is harmless.
            }
        }
    }
}
