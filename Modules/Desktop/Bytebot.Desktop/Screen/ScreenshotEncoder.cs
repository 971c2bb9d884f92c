using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Screen;

/// <summary>Region → scale → encode. Runs off the X thread on a copy of the frame.</summary>
internal static class ScreenshotEncoder
{
    /// <summary>Checks what can be checked without knowing the screen size; throws naming the parameter.</summary>
    public static void Validate(CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Format))
            throw Invalid("format", $"Unknown image format {options.Format}.");
        if (options.Quality is < 1 or > 100)
            throw Invalid("quality", $"quality must be between 1 and 100, but is {options.Quality}.");
        if (options.Scale is { } scale && !(scale > 0 && scale <= 1))
            throw Invalid("scale", $"scale must be in (0, 1], but is {scale}.");
        if (options.Scale is not null && (options.MaxWidth is not null || options.MaxHeight is not null))
            throw Invalid("scale", "scale and maxWidth/maxHeight cannot be combined.");
        if (options.MaxWidth is < 1)
            throw Invalid("maxWidth", $"maxWidth must be at least 1, but is {options.MaxWidth}.");
        if (options.MaxHeight is < 1)
            throw Invalid("maxHeight", $"maxHeight must be at least 1, but is {options.MaxHeight}.");
    }

    public static void ValidateRegion(ScreenRect? region, int screenWidth, int screenHeight)
    {
        if (region is not { } r)
            return;
        if (r.Width < 1 || r.Height < 1 || r.X < 0 || r.Y < 0 || r.X + (long)r.Width > screenWidth || r.Y + (long)r.Height > screenHeight)
            throw Invalid(nameof(region), $"region {r.X},{r.Y} {r.Width}x{r.Height} is not inside the {screenWidth}x{screenHeight} screen.");
    }

    private static ArgumentException Invalid(string parameter, string message) => new(message, parameter);

    public static EncodedImage Encode(ScreenFrame frame, CaptureOptions options)
    {
        ValidateRegion(options.Region, frame.Width, frame.Height);
        var region = options.Region ?? new ScreenRect(0, 0, frame.Width, frame.Height);
        ReadOnlySpan<byte> pixels = frame.Pixels.AsSpan(region.Y * frame.Stride + region.X * 4);
        var (width, height, stride) = (region.Width, region.Height, frame.Stride);

        var fit = Math.Min(
            options.MaxWidth is { } maxWidth ? (double)maxWidth / width : 1.0,
            options.MaxHeight is { } maxHeight ? (double)maxHeight / height : 1.0);
        var factor = options.Scale ?? (options.Enlarge ? fit : Math.Min(1.0, fit));
        if (factor > 1.0)
        {
            var targetWidth = Math.Min(options.MaxWidth ?? int.MaxValue, (int)Math.Round(width * factor));
            var targetHeight = Math.Min(options.MaxHeight ?? int.MaxValue, (int)Math.Round(height * factor));
            pixels = Upscale.Nearest(pixels, width, height, stride, targetWidth, targetHeight);
            (width, height, stride) = (targetWidth, targetHeight, targetWidth * 4);
        }
        else if (factor < 1.0)
        {
            var targetWidth = Math.Max(1, (int)Math.Round(width * factor));
            var targetHeight = Math.Max(1, (int)Math.Round(height * factor));
            if (options.MaxWidth is { } mw)
                targetWidth = Math.Min(targetWidth, mw);
            if (options.MaxHeight is { } mh)
                targetHeight = Math.Min(targetHeight, mh);
            if (targetWidth != width || targetHeight != height)
            {
                pixels = Downscale.Box(pixels, width, height, stride, targetWidth, targetHeight);
                (width, height, stride) = (targetWidth, targetHeight, targetWidth * 4);
            }
        }

        var bytes = options.Format switch
        {
            ImageFormat.Jpeg => TurboJpeg.Encode(pixels, width, height, stride, options.Quality),
            ImageFormat.Webp => WebP.Encode(pixels, width, height, stride, options.Quality),
            _ => PngEncoder.Encode(pixels, width, height, stride),
        };
        return new EncodedImage(bytes, width, height, options.Format);
    }
}
