using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>The dashboard in Debian's Chromium against the real host on a loopback Kestrel port.</summary>
public sealed class DashboardSignInTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Signing_in_with_the_token_opens_the_dashboard_and_the_status_page_shows_every_component_healthy()
    {
        await using var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync());
        var baseUrl = factory.StartKestrel();
        using (var client = factory.CreateAuthenticatedClient())
            (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();

        await using var browser = await Browsers.LaunchChromiumAsync();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });

        await page.GotoAsync(baseUrl + "/status");
        page.Url.ShouldContain("/login");
        await DashboardBrowser.SignInAsync(page, baseUrl, factory.Token, "/status");

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Components" });
        await Assertions.Expect(table).ToContainTextAsync("database");
        foreach (var component in new[] { "database", "display", "vnc" })
            await Assertions.Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = component })).ToContainTextAsync("Healthy");
        await Assertions.Expect(page.GetByText("Overall:")).ToContainTextAsync("Healthy");
        await Screenshots.SaveAsync(page, "status");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await Screenshots.SaveAsync(page, "login");
    }
}
