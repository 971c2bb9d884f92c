using System.Diagnostics;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

public sealed class LiveDesktopTests(DashboardHost host) : IClassFixture<DashboardHost>
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

    /// <summary>Waits up to 30 s for the live view to paint; returns the distinct colours it sampled.</summary>
    public static async Task<int> WaitForFramesAsync(IPage page)
    {
        var clock = Stopwatch.StartNew();
        await Assertions.Expect(page.Locator(".live-desktop canvas")).ToBeVisibleAsync();
        var colours = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && colours < 20)
        {
            colours = await page.EvaluateAsync<int>(DistinctColours);
            if (colours < 20)
                await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return colours;
    }

    [Fact]
    public async Task The_desktop_page_shows_live_non_blank_frames_of_the_managed_desktop()
    {
        var page = await host.OpenAsync("/desktop");
        var clock = Stopwatch.StartNew();
        var colours = await WaitForFramesAsync(page);

        colours.ShouldBeGreaterThanOrEqualTo(20, "the canvas stayed blank");
        (await page.Locator(".live-desktop").GetAttributeAsync("data-state")).ShouldBe("connected");
        await Assertions.Expect(page.Locator(".control-state")).ToContainTextAsync("You have control");
        Console.WriteLine($"live view: first non-blank frame {clock.Elapsed.TotalMilliseconds:F0} ms after the circuit ({colours} colours sampled)");
        await Screenshots.SaveAsync(page, "desktop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take screenshot" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "The latest screenshot of the desktop" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download the screenshot" }))
            .ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        var dark = await host.OpenAsync("/desktop", ColorScheme.Dark);
        await WaitForFramesAsync(dark);
        await Screenshots.SaveAsync(dark, "desktop-dark");
    }

    [Fact]
    public async Task The_live_view_reports_its_latency_and_switches_between_fit_and_100_percent()
    {
        var page = await host.OpenAsync("/desktop");
        (await WaitForFramesAsync(page)).ShouldBeGreaterThanOrEqualTo(20, "the canvas stayed blank");
        var latency = page.Locator("[data-latency]");
        await Assertions.Expect(latency).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*Latency: \d+ ms\s*$"),
            new() { Timeout = 30_000 });
        var reported = int.Parse((await latency.GetAttributeAsync("data-latency"))!, System.Globalization.CultureInfo.InvariantCulture);
        reported.ShouldBeGreaterThanOrEqualTo(0);
        Console.WriteLine($"live view: latency indicator {reported} ms (median round trip of a one-pixel update request)");

        // [shown width of the canvas, width of the pane, the desktop's own width]
        const string Widths = """
            () => {
              const canvas = document.querySelector('.live-desktop canvas');
              return [canvas.getBoundingClientRect().width, document.querySelector('.live-desktop').clientWidth, canvas.width];
            }
            """;
        var fitted = await page.EvaluateAsync<double[]>(Widths);
        fitted[2].ShouldBe(1280);
        fitted[1].ShouldBeLessThan(1280, "the pane is narrower than the desktop at 1366×768");
        fitted[0].ShouldBeLessThanOrEqualTo(fitted[1] + 1);

        await page.GetByRole(AriaRole.Button, new() { Name = "100%" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "100%" })).ToHaveAttributeAsync("aria-pressed", "true");
        await page.WaitForFunctionAsync("() => document.querySelector('.live-desktop canvas').getBoundingClientRect().width === 1280");
        await Screenshots.SaveAsync(page, "desktop-100");

        await page.GetByRole(AriaRole.Button, new() { Name = "Fit" }).ClickAsync();
        await page.WaitForFunctionAsync(
            "() => document.querySelector('.live-desktop canvas').getBoundingClientRect().width <= document.querySelector('.live-desktop').clientWidth + 1");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Fit" })).ToHaveAttributeAsync("aria-pressed", "true");
    }
}
