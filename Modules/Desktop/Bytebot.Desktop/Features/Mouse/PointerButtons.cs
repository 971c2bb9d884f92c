using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Features.Mouse;

internal static class PointerButtons
{
    public static MouseButton ToDriver(this PointerButton button) => button switch
    {
        PointerButton.Right => MouseButton.Right,
        PointerButton.Middle => MouseButton.Middle,
        _ => MouseButton.Left,
    };

    public static ScreenPoint ToDriver(this Coordinates point) => new(point.X, point.Y);
}
