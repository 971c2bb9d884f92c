using Bytebot.Tests.Integration.Desktop.ComputerUse;
using Bytebot.Tests.Integration.Desktop.Native;

namespace Bytebot.Tests.Integration.Desktop.Seeing;

/// <summary>Issue 13, acceptance 1 (zoom): on the managed desktop, over <c>POST /computer-use</c>.</summary>
[Trait("needs", "x11-driver")]
[Collection(OneDesktopAtATime.Name)]
public sealed class ZoomTests(XvfbComputerUseHost host) : IClassFixture<XvfbComputerUseHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task A_zoom_of_200x100_is_at_least_four_times_larger_and_every_pixel_is_the_screen_pixel_it_shows()
    {
        // The "File System" icon and its label on XFCE's desktop.
        const int X0 = 20, Y0 = 40, Width = 200, Height = 100;
        PngImage zoom = null!, screen = null!;
        // A fresh desktop is black until xfdesktop draws: compare a zoom with a screenshot taken between two equal zooms
        // of a drawn region.
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var first = await ImageAsync(new { action = "zoom", region = new[] { X0, Y0, X0 + Width, Y0 + Height } });
            screen = PngImage.Decode(await ImageAsync(new { action = "screenshot" }));
            var second = await ImageAsync(new { action = "zoom", region = new[] { X0, Y0, X0 + Width, Y0 + Height } });
            zoom = PngImage.Decode(second);
            if (first.AsSpan().SequenceEqual(second) && zoom.Rgb.Distinct().Count() > 8)
                break;
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        ((long)zoom.Width * zoom.Height).ShouldBeGreaterThanOrEqualTo(4L * Width * Height);
        (zoom.Width, zoom.Height).ShouldBe((1280, 640), "scaled up to the 1280x960 screenshot budget, aspect kept");
        var differing = 0;
        for (var y = 0; y < zoom.Height; y++)
        {
            for (var x = 0; x < zoom.Width; x++)
            {
                var (sx, sy) = (X0 + (2 * x + 1) * Width / (2 * zoom.Width), Y0 + (2 * y + 1) * Height / (2 * zoom.Height));
                if (!zoom.Rgb.AsSpan((y * zoom.Width + x) * 3, 3).SequenceEqual(screen.Rgb.AsSpan((sy * screen.Width + sx) * 3, 3)))
                    differing++;
            }
        }
        differing.ShouldBe(0);
        zoom.Rgb.Distinct().Count().ShouldBeGreaterThan(8, "a blank region proves little");
    }

    [Fact]
    public async Task A_zoom_outside_the_screen_is_a_problem_naming_the_region() =>
        await (await _client.PostActionAsync("""{"action":"zoom","region":[1200,900,1400,1000]}""")).ShouldBeRejectedAsync("region");

    private async Task<byte[]> ImageAsync(object body)
    {
        var result = await (await _client.PostActionAsync(body)).ShouldBeJsonCreatedAsync();
        return Convert.FromBase64String(result.GetProperty("image").GetString()!);
    }
}
