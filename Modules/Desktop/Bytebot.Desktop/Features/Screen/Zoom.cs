using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class ZoomHandler
{
    public static async Task<ScreenshotImage> HandleAsync(Zoom message, DesktopActions desktop, CancellationToken cancellationToken)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        var violations = new Violations().Inside("region", message.Region, screen);
        if (message.MaxWidth is { } maxWidth)
            violations.Range("maxWidth", maxWidth, 1, ScreenshotHandler.MaxSide);
        if (message.MaxHeight is { } maxHeight)
            violations.Range("maxHeight", maxHeight, 1, ScreenshotHandler.MaxSide);
        violations.ThrowIfAny();
        var options = new CaptureOptions(ScreenshotHandler.ToDriver(message.Format), Region: ScreenshotHandler.ToDriver(message.Region),
            MaxWidth: message.MaxWidth ?? screen.Width, MaxHeight: message.MaxHeight ?? screen.Height, Enlarge: true);
        return await desktop.Queue.RunAsync(message,
            async token => ScreenshotHandler.ToResult(await desktop.Driver.ScreenshotAsync(options, token)), cancellationToken);
    }
}
