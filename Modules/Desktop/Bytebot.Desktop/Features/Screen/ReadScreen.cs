using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class ReadScreenHandler
{
    public static async Task<ScreenText> HandleAsync(ReadScreen message, DesktopActions desktop, CancellationToken cancellationToken) =>
        new(await ReadAsync(message, message.Region, new Violations(), desktop, cancellationToken));

    /// <summary>
    /// Grabs the frame in the action's turn, then recognizes outside it: 0.4 s of OCR must not hold up the input
    /// actions queued behind it.
    /// </summary>
    internal static async Task<IReadOnlyList<TextLine>> ReadAsync(
        ComputerAction message, ScreenRegion? region, Violations violations, DesktopActions desktop,
        CancellationToken cancellationToken, Func<IReadOnlyList<TextLine>, bool>? enough = null)
    {
        var screen = await desktop.Driver.GetScreenSizeAsync(cancellationToken);
        violations.Inside("region", region, screen).ThrowIfAny();
        var frame = await desktop.Queue.RunAsync(message, desktop.Driver.GrabAsync, cancellationToken);
        var area = region is { } r ? ScreenshotHandler.ToDriver(r) : new ScreenRect(0, 0, frame.Width, frame.Height);
        return await Task.Run(() => enough is null
            ? desktop.Text.Read(frame, area, cancellationToken)
            : desktop.Text.Read(frame, area, enough, cancellationToken), cancellationToken);
    }
}
