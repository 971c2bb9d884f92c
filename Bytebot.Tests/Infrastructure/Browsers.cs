using Microsoft.Playwright;

namespace Bytebot.Tests.Infrastructure;

/// <summary>Debian's Chromium through Playwright (browser downloads are impossible here).</summary>
public static class Browsers
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchChromiumAsync()
    {
        // Playwright's 5 s default was too short once on the 2-core CI machine with every test class running: an upload
        // of 150 KB through the file pane was not listed in time (it passes alone in about 1 s).
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the background-networking flags Chromium keeps dialling out into a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        browser.Disconnected += (_, _) => playwright.Dispose();
        return browser;
    }
}

public static class Screenshots
{
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(
        Path.Combine(RepositoryRoot.Find(), "artifacts", "screenshots")).FullName;

    public static Task SaveAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Directory, name + ".png"), FullPage = true });
}
