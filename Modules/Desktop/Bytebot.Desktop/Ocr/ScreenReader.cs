using System.Security.Cryptography;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Screen;

namespace Bytebot.Desktop.Ocr;

/// <summary>
/// Screen region → gray → Tesseract → lines in screen pixels. A quick read gives Tesseract only the text-like
/// islands of the region (<see cref="TextRegions"/>) and lets it find their layout; a thorough read gives it every
/// pixel as one block, for a text the quick read missed (ADR 0037). Results are kept per hash of the gray pixels:
/// an agent that reads, finds and clicks text on an unchanged screen pays for one recognition.
/// </summary>
internal sealed class ScreenReader(TesseractReader tesseract)
{
    private const int Remembered = 8;

    private readonly Lock _lock = new();
    private readonly LinkedList<(string Key, IReadOnlyList<TextLine> Lines)> _recent = new();

    public IReadOnlyList<TextLine> Read(ScreenFrame frame, ScreenRect region, CancellationToken cancellationToken) =>
        Read(GrayRegion.Of(frame, region), thorough: false, cancellationToken);

    /// <summary>The quick read's lines if <paramref name="enough"/> says they will do, else the thorough read's.
    /// </summary>
    public IReadOnlyList<TextLine> Read(ScreenFrame frame, ScreenRect region,
        Func<IReadOnlyList<TextLine>, bool> enough, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(enough);
        var screen = GrayRegion.Of(frame, region);
        var quick = Read(screen, thorough: false, cancellationToken);
        return enough(quick) ? quick : Read(screen, thorough: true, cancellationToken);
    }

    private IReadOnlyList<TextLine> Read(GrayRegion screen, bool thorough, CancellationToken cancellationToken)
    {
        var (gray, region) = (screen.Pixels, screen.Region);
        var key = $"{thorough}:{screen.Key}";
        lock (_lock)
        {
            if (_recent.FirstOrDefault(entry => entry.Key == key) is { Lines: { } cached })
                return cached;
        }
        var words = thorough
            ? tesseract.Read(gray, region.Width, region.Height, Tesseract.SingleBlock, cancellationToken)
            : tesseract.Read(TextRegions.Keep(gray, region.Width, region.Height), region.Width, region.Height,
                Tesseract.AutomaticLayout, cancellationToken);
        var lines = Lines(words, region.X, region.Y);
        lock (_lock)
        {
            _recent.AddFirst((key, lines));
            if (_recent.Count > Remembered)
                _recent.RemoveLast();
        }
        return lines;
    }

    /// <summary>The region in gray, converted and hashed once for the quick read and the thorough one.</summary>
    private sealed record GrayRegion(byte[] Pixels, ScreenRect Region, string Key)
    {
        public static GrayRegion Of(ScreenFrame frame, ScreenRect region)
        {
            ArgumentNullException.ThrowIfNull(frame);
            var gray = Gray(frame, region);
            return new GrayRegion(gray, region,
                $"{region.X},{region.Y},{region.Width}x{region.Height}:{Convert.ToHexString(SHA256.HashData(gray))}");
        }
    }

    private static byte[] Gray(ScreenFrame frame, ScreenRect region)
    {
        var gray = new byte[region.Width * region.Height];
        for (var y = 0; y < region.Height; y++)
        {
            var row = frame.Pixels.AsSpan((region.Y + y) * frame.Stride + region.X * 4, region.Width * 4);
            var line = gray.AsSpan(y * region.Width, region.Width);
            for (var x = 0; x < line.Length; x++)
                line[x] = (byte)((row[x * 4 + 2] * 77 + row[x * 4 + 1] * 150 + row[x * 4] * 29 + 128) >> 8);
        }
        return gray;
    }

    private static List<TextLine> Lines(IReadOnlyList<RecognizedWord> words, int offsetX, int offsetY)
    {
        var lines = new List<TextLine>();
        var current = new List<TextWord>();
        foreach (var word in words)
        {
            if (word.StartsLine && current.Count > 0)
            {
                lines.Add(Line(current));
                current = [];
            }
            var box = new ScreenRegion(offsetX + word.Left, offsetY + word.Top, Math.Max(1, word.Right - word.Left), Math.Max(1, word.Bottom - word.Top));
            current.Add(new TextWord(word.Text, Math.Round(Math.Clamp(word.Confidence, 0, 100) / 100, 3), box));
        }
        if (current.Count > 0)
            lines.Add(Line(current));
        return lines;
    }

    public static TextLine Line(IReadOnlyList<TextWord> words) =>
        new(string.Join(' ', words.Select(w => w.Text)), Math.Round(words.Average(w => w.Confidence), 3), Union(words), words);

    public static ScreenRegion Union(IEnumerable<TextWord> words)
    {
        var boxes = words.Select(w => w.Box).ToList();
        var (left, top) = (boxes.Min(b => b.X), boxes.Min(b => b.Y));
        var (right, bottom) = (boxes.Max(b => b.X + b.Width), boxes.Max(b => b.Y + b.Height));
        return new ScreenRegion(left, top, right - left, bottom - top);
    }
}
