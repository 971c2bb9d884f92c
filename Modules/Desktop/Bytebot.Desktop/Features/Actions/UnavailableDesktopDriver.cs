using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>The display cannot take actions right now; the endpoint answers 503 (reliability.md R6), not 500.</summary>
internal sealed class DesktopUnavailableException(string message) : Exception(message)
{
    public DesktopUnavailableException()
        : this("The desktop is not available.")
    {
    }

    public DesktopUnavailableException(string message, Exception innerException)
        : this(message + " " + innerException.Message)
    {
    }
}

/// <summary>
/// Registered with TryAdd so the host starts (and validates its services) before a native driver is registered; the
/// native driver's registration replaces it. Every call fails as unavailable.
/// </summary>
internal sealed class UnavailableDesktopDriver : IDesktopDriver
{
    private static DesktopUnavailableException NotRegistered => new("No desktop driver is registered in this host.");

    private static Task<T> Unavailable<T>() => Task.FromException<T>(NotRegistered);

    private static Task Unavailable() => Task.FromException(NotRegistered);

    public Task<ScreenSize> GetScreenSizeAsync(CancellationToken cancellationToken) => Unavailable<ScreenSize>();

    public Task MoveMouseAsync(ScreenPoint point, CancellationToken cancellationToken) => Unavailable();

    public Task<ScreenPoint> GetCursorPositionAsync(CancellationToken cancellationToken) => Unavailable<ScreenPoint>();

    public Task SetButtonAsync(MouseButton button, bool down, CancellationToken cancellationToken) => Unavailable();

    public Task ScrollAsync(ScrollDirection direction, int steps, CancellationToken cancellationToken) => Unavailable();

    public Task SetKeysAsync(IReadOnlyList<KeySymbol> keys, bool down, CancellationToken cancellationToken) => Unavailable();

    public Task TypeTextAsync(string text, TimeSpan delayBetweenCharacters, CancellationToken cancellationToken) => Unavailable();

    public Task SetClipboardAsync(string text, CancellationToken cancellationToken) => Unavailable();

    public Task<EncodedImage> ScreenshotAsync(CaptureOptions options, CancellationToken cancellationToken) => Unavailable<EncodedImage>();

    public Task<SettleResult> WaitForSettleAsync(TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken) => Unavailable<SettleResult>();
}
