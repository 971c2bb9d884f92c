using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class ScreenshotHandler
{
    public const int MaxSide = 16_384;

    public static async Task<ScreenshotImage> HandleAsync(Screenshot message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        // Only a region is checked against the screen: a full-screen shot waits for the X thread once, not twice.
        ScreenSize? screen = message.Region is null ? null : await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var options = Validate(message, screen);
        return await desktop.Queue.RunAsync(message,
            async token => ToResult(await desktop.Driver.ScreenshotAsync(options, token)), cancellationToken);
    }

    internal static CaptureOptions Validate(Screenshot message, ScreenSize? screen)
    {
        var violations = new Violations();
        if (message.Quality is { } quality)
            violations.Range("quality", quality, 1, 100);
        if (message.Scale is { } scale && (!double.IsFinite(scale) || scale <= 0 || scale > 1))
            violations.Add("scale", $"must be greater than 0 and at most 1, but is {scale}.");
        if (message.MaxWidth is { } maxWidth)
            violations.Range("maxWidth", maxWidth, 1, MaxSide);
        if (message.MaxHeight is { } maxHeight)
            violations.Range("maxHeight", maxHeight, 1, MaxSide);
        if (message.Scale is not null && (message.MaxWidth is not null || message.MaxHeight is not null))
            violations.Add("scale", "cannot be combined with maxWidth or maxHeight.");
        if (message.Region is { } r && screen is { } size)
        {
            violations.Range("region.width", r.Width, 1, size.Width).Range("region.height", r.Height, 1, size.Height)
                .Inside("region", r, size);
        }
        violations.ThrowIfAny();
        var region = message.Region is { } area ? ToDriver(area) : (ScreenRect?)null;
        return new CaptureOptions(ToDriver(message.Format), message.Quality ?? 80, region, message.Scale, message.MaxWidth, message.MaxHeight);
    }

    internal static ScreenRect ToDriver(ScreenRegion region) => new(region.X, region.Y, region.Width, region.Height);

    internal static ImageFormat ToDriver(ImageEncoding encoding) => encoding switch
    {
        ImageEncoding.Jpeg => ImageFormat.Jpeg,
        ImageEncoding.Webp => ImageFormat.Webp,
        _ => ImageFormat.Png,
    };

    internal static ScreenshotImage ToResult(EncodedImage image) => new(image.Bytes, image.Width, image.Height, image.Format switch
    {
        ImageFormat.Jpeg => ImageEncoding.Jpeg,
        ImageFormat.Webp => ImageEncoding.Webp,
        _ => ImageEncoding.Png,
    });
}
