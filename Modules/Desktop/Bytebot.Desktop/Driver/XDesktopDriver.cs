using System.Diagnostics;
using Bytebot.Desktop.Clipboard;
using Bytebot.Desktop.Input;
using Bytebot.Desktop.Screen;
using Bytebot.Desktop.VirtualDisplay;
using Bytebot.Desktop.X11;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.Driver;

/// <summary>
/// <see cref="IDesktopDriver"/> on XTEST, MIT-SHM and Xlib. Connects lazily: in managed mode Xvfb may still be
/// starting when the first call comes, so the connection is retried until the display accepts.
/// </summary>
internal sealed class XDesktopDriver : IDesktopDriver, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly XConnection _connection;
    private volatile EncodedShot? _lastShot;

    /// <remarks>
    /// Connects only to a screen of the chosen size: a fresh managed Xvfb starts larger and is resized before its
    /// session starts (ADR 0040); a capture in between would have the start size.
    /// </remarks>
    public XDesktopDriver(DesktopSupervisor desktop, ILogger<XDesktopDriver> logger)
        : this(() => desktop.SizedDisplay, TimeSpan.FromSeconds(30), logger)
    {
    }

    public XDesktopDriver(Func<string?> display, TimeSpan connectTimeout, ILogger logger) =>
        _connection = new XConnection(display, connectTimeout, logger);

    public Task<ScreenSize> GetScreenSizeAsync(CancellationToken cancellationToken) =>
        _connection.InvokeAsync((x, _) => new ScreenSize(x.Width, x.Height), cancellationToken);

    public Task ResizeScreenAsync(ScreenSize size, CancellationToken cancellationToken) =>
        _connection.InvokeAsync((x, _) => x.Resize(size.Width, size.Height), cancellationToken);

    public Task MoveMouseAsync(ScreenPoint point, CancellationToken cancellationToken) =>
        _connection.InvokeAsync((x, _) =>
        {
            XTest.XTestFakeMotionEvent(x.Display, -1, point.X, point.Y, 0);
            x.Sync();
        }, cancellationToken);

    public Task<ScreenPoint> GetCursorPositionAsync(CancellationToken cancellationToken) =>
        _connection.InvokeAsync((x, token) =>
        {
            Xlib.XQueryPointer(x.Display, x.Root, out _, out _, out var rootX, out var rootY, out _, out _, out _);
            x.Sync();
            return new ScreenPoint(rootX, rootY);
        }, cancellationToken);

    public Task SetButtonAsync(MouseButton button, bool down, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(button))
            throw new ArgumentException($"Unknown mouse button {button}.", nameof(button));
        return _connection.InvokeAsync((x, _) =>
        {
            XTest.XTestFakeButtonEvent(x.Display, (uint)button, down ? 1 : 0, 0);
            x.Sync();
        }, cancellationToken);
    }

    public Task ScrollAsync(ScrollDirection direction, int steps, CancellationToken cancellationToken)
    {
        uint button = direction switch
        {
            ScrollDirection.Up => 4,
            ScrollDirection.Down => 5,
            ScrollDirection.Left => 6,
            ScrollDirection.Right => 7,
            _ => throw new ArgumentException($"Unknown scroll direction {direction}.", nameof(direction)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return _connection.InvokeAsync((x, _) =>
        {
            for (var i = 0; i < steps; i++)
            {
                XTest.XTestFakeButtonEvent(x.Display, button, 1, 0);
                XTest.XTestFakeButtonEvent(x.Display, button, 0, 0);
            }
            x.Sync();
        }, cancellationToken);
    }

    public Task SetKeysAsync(IReadOnlyList<KeySymbol> keys, bool down, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return _connection.InvokeAsync((x, token) => x.Keyboard.SetKeys(keys, down, token), cancellationToken);
    }

    public Task TypeTextAsync(string text, TimeSpan delayBetweenCharacters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        _ = Keyboard.ToKeysyms(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(delayBetweenCharacters, TimeSpan.Zero);
        return _connection.InvokeAsync((x, token) => x.Keyboard.Type(text, delayBetweenCharacters, token), cancellationToken);
    }

    public Task SetClipboardAsync(string text, CancellationToken cancellationToken)
    {
        SelectionOwner.Validate(text);
        return _connection.InvokeAsync((x, _) => x.Clipboard.Own(text), cancellationToken);
    }

    public async Task<EncodedImage> ScreenshotAsync(CaptureOptions options, CancellationToken cancellationToken)
    {
        ScreenshotEncoder.Validate(options);
        // An unchanged screen asked for the same way gets the bytes it got before: hashing the frame in the shared
        // segment costs a tenth of copying and encoding it, and an agent often looks again at a screen that did not
        // react. The key has the screen's size, so a resize never matches.
        var last = _lastShot is { } shot && shot.Options == options ? shot : null;
        var (hash, frame, width, height) = await _connection.InvokeAsync((x, _) =>
        {
            ScreenshotEncoder.ValidateRegion(options.Region, x.Width, x.Height);
            var (hash, frame) = x.Capture.Rent(last is not null && (last.Width, last.Height) == (x.Width, x.Height)
                ? last.Hash : null);
            return (hash, frame, x.Width, x.Height);
        }, cancellationToken).ConfigureAwait(false);
        if (frame is null)
            return last!.Image;
        try
        {
            var image = ScreenshotEncoder.Encode(frame, options);
            _lastShot = new EncodedShot(hash, width, height, options, image);
            return image;
        }
        finally
        {
            ScreenBuffers.Pool.Return(frame.Pixels);
        }
    }

    private sealed record EncodedShot(ulong Hash, int Width, int Height, CaptureOptions Options, EncodedImage Image);

    public Task<ScreenFrame> GrabAsync(CancellationToken cancellationToken) =>
        _connection.InvokeAsync((x, _) => x.Capture.Grab(), cancellationToken);

    public Task<SettleResult> WaitForSettleAsync(
        TimeSpan reaction, TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reaction, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(quiet, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, TimeSpan.Zero);
        return _connection.InvokeAsync((x, token) => Settle(x, reaction, quiet, cap, token), cancellationToken);
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Polls frames into the shared segment and compares them with the last one (a vectorised memcmp).</summary>
    private static SettleResult Settle(XSession x, TimeSpan reaction, TimeSpan quiet, TimeSpan cap, CancellationToken token)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = x.Capture.Grab().Pixels;
        // Until the first change the window is the reaction's; after it, the quiet one.
        var lastChange = started;
        var window = reaction;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(lastChange, now) >= window)
                return new SettleResult(Stopwatch.GetElapsedTime(started, now), true);
            if (Stopwatch.GetElapsedTime(started, now) >= cap)
                return new SettleResult(Stopwatch.GetElapsedTime(started, now), false);
            var wait = Min(PollInterval, window - Stopwatch.GetElapsedTime(lastChange, now),
                cap - Stopwatch.GetElapsedTime(started, now));
            x.Pause(wait, token);
            var changed = x.Capture.Read((pixels, _) =>
            {
                if (pixels.SequenceEqual(previous))
                    return false;
                pixels.CopyTo(previous);
                return true;
            });
            if (changed)
                (lastChange, window) = (Stopwatch.GetTimestamp(), quiet);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b, TimeSpan c) => TimeSpan.FromTicks(Math.Min(a.Ticks, Math.Min(b.Ticks, c.Ticks)));
}
