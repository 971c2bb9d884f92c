using Bytebot.Desktop.Screen;

namespace Bytebot.Desktop.Driver;

/// <summary>
/// The native primitives the computer-use actions are built from. One implementation owns the X connection on a
/// single thread; every call is executed in the order it was made and has been processed by the X server
/// (XSync) when its task completes. Composite actions (click, drag, chords) are composed by the callers.
/// </summary>
internal interface IDesktopDriver
{
    /// <summary>The root window's real size (in External mode it may differ from the configured one).</summary>
    Task<ScreenSize> GetScreenSizeAsync(CancellationToken cancellationToken);

    /// <summary>Changes the screen's size (RandR); later calls see the new size.</summary>
    Task ResizeScreenAsync(ScreenSize size, CancellationToken cancellationToken);

    /// <summary>Moves the pointer; coordinates outside the screen are clamped by the server.</summary>
    Task MoveMouseAsync(ScreenPoint point, CancellationToken cancellationToken);

    Task<ScreenPoint> GetCursorPositionAsync(CancellationToken cancellationToken);

    Task SetButtonAsync(MouseButton button, bool down, CancellationToken cancellationToken);

    /// <summary>Wheel steps (buttons 4–7), each a press and release.</summary>
    Task ScrollAsync(ScrollDirection direction, int steps, CancellationToken cancellationToken);

    /// <summary>Presses the keys in the given order (down) or releases them (up).</summary>
    Task SetKeysAsync(IReadOnlyList<KeySymbol> keys, bool down, CancellationToken cancellationToken);

    /// <summary>Types any Unicode text: keymap keys with Shift where needed, spare keycodes for the rest.</summary>
    Task TypeTextAsync(string text, TimeSpan delayBetweenCharacters, CancellationToken cancellationToken);

    /// <summary>Makes the host own the CLIPBOARD (and PRIMARY) selection with this text until something else takes it.</summary>
    Task SetClipboardAsync(string text, CancellationToken cancellationToken);

    Task<EncodedImage> ScreenshotAsync(CaptureOptions options, CancellationToken cancellationToken);

    /// <summary>The whole screen's pixels, for OCR.</summary>
    Task<ScreenFrame> GrabAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Returns when nothing changed in the first <paramref name="reaction"/>, or once the screen changed and then stayed
    /// unchanged for <paramref name="quiet"/>, or after <paramref name="cap"/>.
    /// </summary>
    Task<SettleResult> WaitForSettleAsync(
        TimeSpan reaction, TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken);
}

internal readonly record struct ScreenSize(int Width, int Height);

internal readonly record struct ScreenPoint(int X, int Y);

internal readonly record struct ScreenRect(int X, int Y, int Width, int Height);

internal enum MouseButton
{
    Left = 1,
    Middle = 2,
    Right = 3,
}

internal enum ScrollDirection
{
    Up,
    Down,
    Left,
    Right,
}

/// <summary>A key resolved from a user-facing name (see <see cref="KeyNames"/>) to its X keysym.</summary>
internal readonly record struct KeySymbol(string Name, nuint Keysym);

internal enum ImageFormat
{
    Png,
    Jpeg,
    Webp,
}

/// <param name="Format">Encoding of the result.</param>
/// <param name="Quality">1–100 for JPEG and lossy WebP; ignored for PNG.</param>
/// <param name="Region">Part of the screen to capture, in screen pixels; null = whole screen.</param>
/// <param name="Scale">Resize factor in (0, 1]; applied after the region. Mutually exclusive with Max*.</param>
/// <param name="MaxWidth">Fit within this width keeping the aspect ratio (enlarges only with <paramref name="Enlarge"/>).</param>
/// <param name="MaxHeight">Fit within this height keeping the aspect ratio.</param>
/// <param name="Enlarge">Fill <paramref name="MaxWidth"/> × <paramref name="MaxHeight"/> even when that enlarges (zoom).</param>
internal sealed record CaptureOptions(
    ImageFormat Format = ImageFormat.Png,
    int Quality = 80,
    ScreenRect? Region = null,
    double? Scale = null,
    int? MaxWidth = null,
    int? MaxHeight = null,
    bool Enlarge = false);

internal sealed record EncodedImage(byte[] Bytes, int Width, int Height, ImageFormat Format)
{
    public string MediaType => Format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Webp => "image/webp",
        _ => "image/png",
    };
}

internal sealed record SettleResult(TimeSpan Waited, bool Settled);
