using System.Collections.Concurrent;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Screen;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>
/// A stand-in for the X driver until the native one is merged: records every call in order and answers like a
/// 1280×960 screen, so composition, ordering and "nothing was pressed" can be asserted without a display.
/// </summary>
internal sealed class RecordingDriver : IDesktopDriver
{
    public static readonly ScreenSize Screen = new(1280, 960);

    private readonly ConcurrentQueue<string> _events = new();
    private ScreenPoint _cursor = new(0, 0);

    /// <summary>Input and capture calls, in order ("move 10,20", "button Left down", "keys ctrl,a down", …).</summary>
    public IReadOnlyList<string> Events => [.. _events];

    public string? FailOn { get; set; }

    /// <summary>Size of the PNG screenshots it returns, to exercise the MCP size fallback.</summary>
    public int PngBytes { get; set; } = 24;

    private Task Record(string text)
    {
        if (FailOn is { } failing && text.StartsWith(failing, StringComparison.Ordinal))
            throw new InvalidOperationException($"injected failure at '{text}'");
        _events.Enqueue(text);
        return Task.CompletedTask;
    }

    public Task<ScreenSize> GetScreenSizeAsync(CancellationToken cancellationToken) => Task.FromResult(Screen);

    public Task ResizeScreenAsync(ScreenSize size, CancellationToken cancellationToken) =>
        Record($"resize {size.Width}x{size.Height}");

    public Task MoveMouseAsync(ScreenPoint point, CancellationToken cancellationToken)
    {
        _cursor = point;
        return Record($"move {point.X},{point.Y}");
    }

    public Task<ScreenPoint> GetCursorPositionAsync(CancellationToken cancellationToken) => Task.FromResult(_cursor);

    public Task SetButtonAsync(MouseButton button, bool down, CancellationToken cancellationToken) =>
        Record($"button {button} {(down ? "down" : "up")}");

    public Task ScrollAsync(ScrollDirection direction, int steps, CancellationToken cancellationToken) => Record($"scroll {direction} {steps}");

    public Task SetKeysAsync(IReadOnlyList<KeySymbol> keys, bool down, CancellationToken cancellationToken) =>
        Record($"keys {string.Join(',', keys.Select(k => k.Name))} {(down ? "down" : "up")}");

    public Task TypeTextAsync(string text, TimeSpan delayBetweenCharacters, CancellationToken cancellationToken) => Record($"type {text}");

    public Task SetClipboardAsync(string text, CancellationToken cancellationToken) => Record($"clipboard {text}");

    public async Task<EncodedImage> ScreenshotAsync(CaptureOptions options, CancellationToken cancellationToken)
    {
        await Record($"screenshot {options.Format}");
        var (width, height) = options.Region is { } r ? (r.Width, r.Height) : (Screen.Width, Screen.Height);
        var fit = Math.Min(options.MaxWidth is { } w ? (double)w / width : 1.0, options.MaxHeight is { } h ? (double)h / height : 1.0);
        var factor = options.Scale ?? (options.Enlarge ? fit : Math.Min(1.0, fit));
        (width, height) = (Math.Max(1, (int)(width * factor)), Math.Max(1, (int)(height * factor)));
        byte[] magic = options.Format switch
        {
            ImageFormat.Jpeg => [0xFF, 0xD8, 0xFF, 0xE0],
            ImageFormat.Webp => "RIFF\0\0\0\0WEBP"u8.ToArray(),
            _ => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
        };
        var size = options.Format == ImageFormat.Png ? Math.Max(PngBytes, magic.Length) : magic.Length + 16;
        return new EncodedImage([.. magic, .. new byte[size - magic.Length]], width, height, options.Format);
    }

    public async Task<ScreenFrame> GrabAsync(CancellationToken cancellationToken)
    {
        await Record("grab");
        return new ScreenFrame(new byte[Screen.Width * Screen.Height * 4], Screen.Width, Screen.Height, Screen.Width * 4);
    }

    public Task<SettleResult> WaitForSettleAsync(
        TimeSpan reaction, TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken)
    {
        _events.Enqueue("settle");
        return Task.FromResult(new SettleResult(reaction, true));
    }
}
