using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class ScreenshotHandler
{
    public const int MaxSide = 16_384;

    public static async Task<ScreenshotImage> HandleAsync(Screenshot message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var options = Validate(message, screen);
        return await desktop.Queue.RunAsync(message, async token =>
        {
            var image = await desktop.Driver.ScreenshotAsync(options, token);
            return new ScreenshotImage(image.Bytes, image.Width, image.Height, image.Format switch
            {
                ImageFormat.Jpeg => ImageEncoding.Jpeg,
                ImageFormat.Webp => ImageEncoding.Webp,
                _ => ImageEncoding.Png,
            });
        }, cancellationToken);
    }

    internal static CaptureOptions Validate(Screenshot message, ScreenSize screen)
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
        if (message.Region is { } r)
        {
            violations.Range("region.width", r.Width, 1, screen.Width).Range("region.height", r.Height, 1, screen.Height);
            if (r.X < 0 || r.Y < 0 || (long)r.X + r.Width > screen.Width || (long)r.Y + r.Height > screen.Height)
                violations.Add("region", $"({r.X}, {r.Y}, {r.Width}x{r.Height}) is not inside the {screen.Width}x{screen.Height} screen.");
        }
        violations.ThrowIfAny();
        var format = message.Format switch
        {
            ImageEncoding.Jpeg => ImageFormat.Jpeg,
            ImageEncoding.Webp => ImageFormat.Webp,
            _ => ImageFormat.Png,
        };
        var region = message.Region is { } area ? new ScreenRect(area.X, area.Y, area.Width, area.Height) : (ScreenRect?)null;
        return new CaptureOptions(format, message.Quality ?? 80, region, message.Scale, message.MaxWidth, message.MaxHeight);
    }
}
