using Bytebot.Desktop.Ocr;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>What the quick read keeps of a screen before Tesseract sees it (ADR 0037).</summary>
public sealed class TextRegionsTests
{
    private const int Width = 320;
    private const int Height = 200;

    [Fact]
    public void Letter_like_strokes_are_kept_black_on_white_and_a_lone_thin_line_becomes_paper()
    {
        var kept = Kept(background: 230, gray =>
        {
            Word(gray, left: 20, top: 20, ink: 20, stroke: 1, gap: 2, length: 80, rows: 9);
            Diagonal(gray, fromX: 150, ink: 20);
        });

        Count(kept, 20, 20, 80, 9, black: true).ShouldBeGreaterThan(80 * 9 / 4, "the strokes of the word");
        Count(kept, 20, 20, 80, 9, black: false).ShouldBeGreaterThan(80 * 9 / 4, "the ground between them");
        Paper(kept, 140, 0, 180, Height).ShouldBeTrue("the thin line is not text");
    }

    [Fact]
    public void Light_text_on_a_dark_panel_comes_out_dark_on_light()
    {
        var kept = Kept(background: 30,
            gray => Word(gray, left: 40, top: 100, ink: 240, stroke: 1, gap: 2, length: 90, rows: 9));

        for (var x = 40; x < 130; x += 3)
            kept[104 * Width + x].ShouldBe((byte)0, $"stroke at x={x}");
        kept[104 * Width + 41].ShouldBe((byte)255, "the panel between strokes");
        Paper(kept, 200, 0, 120, Height).ShouldBeTrue("the empty panel");
    }

    [Fact]
    public void A_heading_too_wide_for_the_full_size_count_is_found_at_a_smaller_scale()
    {
        var kept = Kept(background: 255,
            gray => Word(gray, left: 30, top: 60, ink: 0, stroke: 4, gap: 10, length: 200, rows: 40));

        Count(kept, 30, 60, 200, 40, black: true).ShouldBeGreaterThan(200 * 40 / 5, "the heading's strokes");
    }

    private static byte[] Kept(byte background, Action<byte[]> draw)
    {
        var gray = Enumerable.Repeat(background, Width * Height).ToArray();
        draw(gray);
        return TextRegions.Keep(gray, Width, Height);
    }

    // Vertical strokes of `stroke` pixels every `stroke + gap` pixels: how the letters of a word cross its rows.
    private static void Word(byte[] gray, int left, int top, byte ink, int stroke, int gap, int length, int rows)
    {
        for (var y = top; y < top + rows; y++)
        {
            for (var x = left; x < left + length; x++)
            {
                if ((x - left) % (stroke + gap) < stroke)
                    gray[y * Width + x] = ink;
            }
        }
    }

    private static void Diagonal(byte[] gray, int fromX, byte ink)
    {
        for (var y = 0; y < Height; y++)
            gray[y * Width + fromX + y * 3 / 4] = ink;
    }

    private static bool Paper(byte[] image, int left, int top, int width, int height) =>
        Enumerable.Range(top, height).All(y => image.AsSpan(y * Width + left, width).IndexOfAnyExcept((byte)255) < 0);

    private static int Count(byte[] image, int left, int top, int width, int height, bool black)
    {
        var count = 0;
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
                count += (image[y * Width + x] == 0) == black ? 1 : 0;
        }
        return count;
    }
}
