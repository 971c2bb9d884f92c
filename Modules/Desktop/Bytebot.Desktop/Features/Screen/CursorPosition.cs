using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;

namespace Bytebot.Desktop.Features.Screen;

public static class CursorPositionHandler
{
    public static Task<CursorPoint> HandleAsync(CursorPosition message, DesktopActions desktop, CancellationToken cancellationToken) =>
        desktop.Queue.RunAsync(message, async token =>
        {
            var point = await desktop.Driver.GetCursorPositionAsync(token);
            return new CursorPoint(point.X, point.Y);
        }, cancellationToken);
}
