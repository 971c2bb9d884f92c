using System.Buffers.Binary;
using Bytebot.Desktop.Driver;

namespace Bytebot.Tests.Integration.Desktop.Native;

[Collection(OneDesktopAtATime.Name)]
public sealed class ScreenshotTests(NativeDesktop desktop) : IClassFixture<NativeDesktop>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_screenshot_is_an_opaque_full_resolution_png_identical_to_an_xwd_capture()
    {
        await desktop.StartXtermAsync("static-text", "60x10+100+100", "printf 'The quick brown fox\\n€ ✓ Ω'; sleep 600");
        await desktop.Driver.MoveMouseAsync(new ScreenPoint(1200, 900), Token);
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), Token);

        var shot = await desktop.Driver.ScreenshotAsync(new CaptureOptions(), Token);
        var xwd = desktop.RunBytes("xwd", "-root", "-silent");

        var png = PngImage.Decode(shot.Bytes);
        (png.Width, png.Height, shot.Width, shot.Height).ShouldBe((1280, 960, 1280, 960));
        png.ColorType.ShouldBe((byte)2, "RGB without an alpha channel, so nothing can be transparent");
        shot.MediaType.ShouldBe("image/png");
        var differing = CountDifferingPixels(png, xwd);
        differing.ShouldBe(0);
    }

    [Fact]
    public async Task Jpeg_and_webp_screenshots_carry_their_magic_bytes_and_the_encoded_size()
    {
        var jpeg = await desktop.Driver.ScreenshotAsync(new CaptureOptions(ImageFormat.Jpeg, Quality: 75), Token);
        var webp = await desktop.Driver.ScreenshotAsync(new CaptureOptions(ImageFormat.Webp, Quality: 60, Scale: 0.5), Token);

        jpeg.Bytes.AsSpan(0, 3).ToArray().ShouldBe(new byte[] { 0xff, 0xd8, 0xff });
        JpegSize(jpeg.Bytes).ShouldBe((1280, 960));
        jpeg.MediaType.ShouldBe("image/jpeg");
        System.Text.Encoding.ASCII.GetString(webp.Bytes, 0, 4).ShouldBe("RIFF");
        System.Text.Encoding.ASCII.GetString(webp.Bytes, 8, 4).ShouldBe("WEBP");
        System.Text.Encoding.ASCII.GetString(webp.Bytes, 12, 4).ShouldBe("VP8 ");
        (BinaryPrimitives.ReadUInt16LittleEndian(webp.Bytes.AsSpan(26)) & 0x3fff).ShouldBe(640);
        (BinaryPrimitives.ReadUInt16LittleEndian(webp.Bytes.AsSpan(28)) & 0x3fff).ShouldBe(480);
        (webp.Width, webp.Height).ShouldBe((640, 480));
    }

    [Fact]
    public async Task Region_scale_and_max_size_determine_the_encoded_size()
    {
        var region = await desktop.Driver.ScreenshotAsync(new CaptureOptions(Region: new ScreenRect(10, 20, 300, 200)), Token);
        var scaled = await desktop.Driver.ScreenshotAsync(new CaptureOptions(Region: new ScreenRect(10, 20, 300, 200), Scale: 0.5), Token);
        var fitted = await desktop.Driver.ScreenshotAsync(new CaptureOptions(MaxWidth: 1024, MaxHeight: 1024), Token);

        PngImage.Decode(region.Bytes).ShouldSatisfyAllConditions(p => p.Width.ShouldBe(300), p => p.Height.ShouldBe(200));
        PngImage.Decode(scaled.Bytes).ShouldSatisfyAllConditions(p => p.Width.ShouldBe(150), p => p.Height.ShouldBe(100));
        (fitted.Width, fitted.Height).ShouldBe((1024, 768));
        PngImage.Decode(fitted.Bytes).Width.ShouldBe(1024);
    }

    [Theory]
    [InlineData(1200, 900, 100, 100, "region")]
    [InlineData(-1, 0, 10, 10, "region")]
    [InlineData(0, 0, 0, 10, "region")]
    public async Task A_region_outside_the_screen_is_refused_naming_the_region(int x, int y, int width, int height, string parameter)
    {
        var error = await Should.ThrowAsync<ArgumentException>(() =>
            desktop.Driver.ScreenshotAsync(new CaptureOptions(Region: new ScreenRect(x, y, width, height)), Token));
        error.ParamName.ShouldBe(parameter);
    }

    [Fact]
    public async Task Bad_quality_and_scale_are_refused_naming_the_parameter()
    {
        (await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.ScreenshotAsync(new CaptureOptions(Quality: 0), Token))).ParamName.ShouldBe("quality");
        (await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.ScreenshotAsync(new CaptureOptions(Quality: 101), Token))).ParamName.ShouldBe("quality");
        (await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.ScreenshotAsync(new CaptureOptions(Scale: 1.5), Token))).ParamName.ShouldBe("scale");
        (await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.ScreenshotAsync(new CaptureOptions(Scale: double.NaN), Token))).ParamName.ShouldBe("scale");
        (await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.ScreenshotAsync(new CaptureOptions(Scale: 0), Token))).ParamName.ShouldBe("scale");
    }

    [Fact]
    public async Task Settling_on_a_static_screen_returns_after_the_quiet_period()
    {
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Token);

        var result = await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10), Token);

        result.Settled.ShouldBeTrue();
        result.Waited.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150));
        TestContext.Current.TestOutputHelper?.WriteLine($"static screen: settled after {result.Waited.TotalMilliseconds:0.0} ms (quiet 150 ms)");
    }

    [Fact]
    public async Task Settling_on_a_static_screen_ends_with_the_reaction_window_not_the_quiet_one()
    {
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Token);

        var result = await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(60), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10), Token);

        result.Settled.ShouldBeTrue();
        result.Waited.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(60));
        result.Waited.ShouldBeLessThan(TimeSpan.FromSeconds(4), "nothing changed, so the quiet window never began");
    }

    [Fact]
    public async Task A_change_within_the_reaction_window_ends_the_wait_a_quiet_period_after_it()
    {
        await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Token);
        var go = Path.Combine(desktop.WorkDirectory, "settle-go-" + Guid.NewGuid().ToString("N"));
        var window = await desktop.StartXtermAsync(
            "one-change", "20x3+900+700", $"while [ ! -e {go} ]; do sleep 0.02; done; echo changed; sleep 60");
        try
        {
            await desktop.Driver.WaitForSettleAsync(
                TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Token);
            await File.WriteAllTextAsync(go, "", Token);
            var result = await desktop.Driver.WaitForSettleAsync(
                TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10), Token);

            result.Settled.ShouldBeTrue();
            result.Waited.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150));
            result.Waited.ShouldBeLessThan(TimeSpan.FromSeconds(8), "the window's change ended the reaction window");
        }
        finally
        {
            desktop.StopApp(window);
        }
    }

    [Fact]
    public async Task Settling_on_a_screen_that_keeps_changing_gives_up_at_the_cap_and_reports_it()
    {
        var busy = await desktop.StartXtermAsync("busy-window", "40x5+800+700", "while :; do date +%N; sleep 0.01; done");
        try
        {
            // The window draws before we measure: with no quiet window, the first change ends this wait.
            var drawing = await desktop.Driver.WaitForSettleAsync(
                TimeSpan.FromSeconds(10), TimeSpan.Zero, TimeSpan.FromSeconds(10), Token);
            drawing.Waited.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the busy window changes the screen");

            // It redraws every ~10 ms; the quiet window is long enough that a loaded machine's scheduling pause
            // cannot pass for quiet.
            var result = await desktop.Driver.WaitForSettleAsync(
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(2500), Token);

            result.Settled.ShouldBeFalse();
            result.Waited.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2500));
            TestContext.Current.TestOutputHelper?.WriteLine($"changing screen: gave up after {result.Waited.TotalMilliseconds:0.0} ms (cap 2500 ms)");
        }
        finally
        {
            desktop.StopApp(busy);
        }
        var after = await desktop.Driver.WaitForSettleAsync(
            TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10), Token);
        after.Settled.ShouldBeTrue();
        TestContext.Current.TestOutputHelper?.WriteLine($"after the change stopped: settled after {after.Waited.TotalMilliseconds:0.0} ms");
    }

    /// <summary>xwd: a big-endian header (size at 0, bytes per line at 48, colour count at 76), 12-byte colours, then B,G,R,X.</summary>
    private static int CountDifferingPixels(PngImage png, byte[] xwd)
    {
        var headerSize = BinaryPrimitives.ReadInt32BigEndian(xwd);
        var bytesPerLine = BinaryPrimitives.ReadInt32BigEndian(xwd.AsSpan(48));
        var colors = BinaryPrimitives.ReadInt32BigEndian(xwd.AsSpan(76));
        var pixels = xwd.AsSpan(headerSize + colors * 12);
        var differing = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var p = pixels.Slice(y * bytesPerLine + x * 4, 3);
                var q = png.Rgb.AsSpan((y * png.Width + x) * 3, 3);
                if (p[2] != q[0] || p[1] != q[1] || p[0] != q[2])
                    differing++;
            }
        }
        return differing;
    }

    private static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        for (var i = 2; i + 9 < jpeg.Length;)
        {
            if (jpeg[i] != 0xff)
                break;
            var marker = jpeg[i + 1];
            if (marker is >= 0xc0 and <= 0xc2)
                return (BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 7)), BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 5)));
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }
        throw new InvalidDataException("No SOF marker.");
    }
}
