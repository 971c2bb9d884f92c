using System.Diagnostics;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

public sealed class LiveDesktopTests(PostgresFixture postgres)
{
    // Counts distinct colours in a sample of the canvas: a connected XFCE desktop has many, a blank canvas one.
    private const string DistinctColours = """
        () => {
          const canvas = document.querySelector('.live-desktop canvas');
          if (!canvas || canvas.width < 100) return 0;
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          const seen = new Set();
          for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          return seen.size;
        }
        """;

    [Fact]
    public async Task The_desktop_page_shows_live_non_blank_frames_of_the_managed_desktop()
    {
        await using var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync());
        var baseUrl = factory.StartKestrel();
        using (var client = factory.CreateAuthenticatedClient())
            (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
        await using var browser = await Browsers.LaunchChromiumAsync();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        await DashboardBrowser.SignInAsync(page, baseUrl, factory.Token, "/desktop");

        var clock = Stopwatch.StartNew();
        await Assertions.Expect(page.Locator(".live-desktop canvas")).ToBeVisibleAsync();
        var colours = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && colours < 20)
        {
            colours = await page.EvaluateAsync<int>(DistinctColours);
            if (colours < 20)
                await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        var firstFrame = clock.Elapsed;

        colours.ShouldBeGreaterThanOrEqualTo(20, "the canvas stayed blank");
        (await page.Locator(".live-desktop").GetAttributeAsync("data-state")).ShouldBe("connected");
        await Assertions.Expect(page.Locator(".control-state")).ToContainTextAsync("You have control");
        Console.WriteLine($"live view: first non-blank frame {firstFrame.TotalMilliseconds:F0} ms after the page opened ({colours} colours sampled)");
        await Screenshots.SaveAsync(page, "desktop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take screenshot" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "The latest screenshot of the desktop" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the screenshot" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Screenshots.SaveAsync(page, "desktop-dark");
    }
}
