using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Screen;

internal sealed class CursorPositionHandler(IDesktopDriver driver, ActionQueue queue) : IHandler<CursorPosition, CursorPoint>
{
    public Task<CursorPoint> HandleAsync(CursorPosition message, CancellationToken cancellationToken) =>
        queue.RunAsync(message, async token =>
        {
            var point = await driver.GetCursorPositionAsync(token);
            return new CursorPoint(point.X, point.Y);
        }, cancellationToken);
}
