using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Input;
using Bytebot.Desktop.Screen;
using Bytebot.Tests.Integration.Desktop.Native;

namespace Bytebot.Tests.Unit.Desktop;

public sealed class ScreenshotEncodingTests
{
    [Fact]
    public void The_png_keeps_every_pixel_and_ignores_the_undefined_fourth_byte()
    {
        var frame = Frame(7, 5, (x, y) => [(byte)(x * 30), (byte)(y * 40), (byte)(x + y), (byte)(x * y)]);

        var png = PngImage.Decode(PngEncoder.Encode(frame.Pixels, frame.Width, frame.Height, frame.Stride));

        (png.Width, png.Height, png.ColorType).ShouldBe((7, 5, (byte)2));
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 7; x++)
                png.Rgb.AsSpan((y * 7 + x) * 3, 3).ToArray().ShouldBe(new[] { (byte)(x + y), (byte)(y * 40), (byte)(x * 30) });
        }
    }

    [Fact]
    public void A_png_of_many_rows_from_a_padded_frame_keeps_every_pixel_and_every_chunk_checksum()
    {
        var noise = new Random(13);
        var (width, height, stride) = (1001, 301, 1001 * 4 + 12);
        var pixels = new byte[stride * height];
        noise.NextBytes(pixels);

        var png = PngImage.Decode(PngEncoder.Encode(pixels, width, height, stride));

        (png.Width, png.Height).ShouldBe((width, height));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (source, decoded) = (y * stride + x * 4, (y * width + x) * 3);
                if (png.Rgb[decoded] != pixels[source + 2] || png.Rgb[decoded + 1] != pixels[source + 1]
                    || png.Rgb[decoded + 2] != pixels[source])
                    Assert.Fail($"({x}, {y}) differs");
            }
        }
    }

    [Fact]
    public void A_region_is_cut_out_before_scaling_and_averaged_by_area()
    {
        var frame = Frame(8, 8, (x, y) => x < 4 ? [0, 0, 0, 0] : [200, 100, 50, 7]);

        var image = ScreenshotEncoder.Encode(frame, new CaptureOptions(Region: new ScreenRect(2, 0, 4, 4), Scale: 0.5));

        (image.Width, image.Height).ShouldBe((2, 2));
        var png = PngImage.Decode(image.Bytes);
        png.Rgb.AsSpan(0, 3).ToArray().ShouldBe(new byte[] { 0, 0, 0 });
        png.Rgb.AsSpan(3, 3).ToArray().ShouldBe(new byte[] { 50, 100, 200 });
    }

    [Fact]
    public void Max_width_and_height_fit_the_image_without_enlarging_it()
    {
        var frame = Frame(400, 300, (_, _) => [1, 2, 3, 4]);

        ScreenshotEncoder.Encode(frame, new CaptureOptions(MaxWidth: 200)).ShouldSatisfyAllConditions(
            i => i.Width.ShouldBe(200), i => i.Height.ShouldBe(150));
        ScreenshotEncoder.Encode(frame, new CaptureOptions(MaxWidth: 1000, MaxHeight: 1000)).ShouldSatisfyAllConditions(
            i => i.Width.ShouldBe(400), i => i.Height.ShouldBe(300));
    }

    [Fact]
    public void A_zoom_fills_the_budget_and_every_pixel_is_the_region_pixel_under_its_centre()
    {
        var frame = Frame(640, 480, (x, y) => [(byte)x, (byte)y, (byte)(x ^ y), 9]);
        var region = new ScreenRect(100, 50, 200, 100);

        var image = ScreenshotEncoder.Encode(frame, new CaptureOptions(Region: region, MaxWidth: 1280, MaxHeight: 960, Enlarge: true));

        (image.Width, image.Height).ShouldBe((1280, 640));
        var png = PngImage.Decode(image.Bytes);
        for (var y = 0; y < 640; y++)
        {
            for (var x = 0; x < 1280; x++)
            {
                var (sx, sy) = (100 + (int)((2L * x + 1) * 200 / 2560), 50 + (int)((2L * y + 1) * 100 / 1280));
                var pixel = png.Rgb.AsSpan((y * 1280 + x) * 3, 3);
                if (pixel[0] != (byte)(sx ^ sy) || pixel[1] != (byte)sy || pixel[2] != (byte)sx)
                    Assert.Fail($"({x}, {y}) is {pixel[0]},{pixel[1]},{pixel[2]}, not the region's ({sx}, {sy})");
            }
        }
    }

    [Fact]
    public void A_zoom_of_a_region_larger_than_the_budget_is_scaled_down_to_fit_it()
    {
        var frame = Frame(400, 300, (_, _) => [1, 2, 3, 4]);

        ScreenshotEncoder.Encode(frame, new CaptureOptions(MaxWidth: 200, MaxHeight: 200, Enlarge: true)).ShouldSatisfyAllConditions(
            i => i.Width.ShouldBe(200), i => i.Height.ShouldBe(150));
    }

    [Theory]
    [InlineData(0, null, null, null, "quality")]
    [InlineData(101, null, null, null, "quality")]
    [InlineData(80, 0.0, null, null, "scale")]
    [InlineData(80, 1.01, null, null, "scale")]
    [InlineData(80, 0.5, 100, null, "scale")]
    [InlineData(80, null, 0, null, "maxWidth")]
    [InlineData(80, null, null, -5, "maxHeight")]
    public void Invalid_options_name_the_parameter(int quality, double? scale, int? maxWidth, int? maxHeight, string parameter) =>
        Should.Throw<ArgumentException>(() => ScreenshotEncoder.Validate(new CaptureOptions(Quality: quality, Scale: scale, MaxWidth: maxWidth, MaxHeight: maxHeight)))
            .ParamName.ShouldBe(parameter);

    [Fact]
    public void Text_becomes_keysyms_with_newline_as_return_and_tab_as_tab()
    {
        Keyboard.ToKeysyms("a\r\nb\tÿ€😀\r").ShouldBe(new nuint[] { 0x61, 0xff0d, 0x62, 0xff09, 0xff, 0x10020ac, 0x101f600, 0xff0d });
        Should.Throw<ArgumentException>(() => Keyboard.ToKeysyms("bell\a")).ParamName.ShouldBe("text");
    }

    private static ScreenFrame Frame(int width, int height, Func<int, int, byte[]> bgrx)
    {
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
                bgrx(x, y).CopyTo(pixels, (y * width + x) * 4);
        }
        return new ScreenFrame(pixels, width, height, width * 4);
    }
}
