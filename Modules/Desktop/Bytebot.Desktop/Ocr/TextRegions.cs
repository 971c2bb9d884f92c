namespace Bytebot.Desktop.Ocr;

/// <summary>
/// Keeps what looks like text and blanks the rest before Tesseract sees a screen: letters put many sharp steps into a
/// few pixels of a row, for several rows running, where a wallpaper's lines or a photo put one or two. Each island of
/// such pixels is copied in black and white, text black (light text on a dark panel is inverted); everything else
/// becomes white, so recognition spends its time on text instead of reading the wallpaper as hundreds of junk words.
/// </summary>
internal static class TextRegions
{
    private const int Step = 40;       // a gray step this sharp between neighbours is an edge
    private const int Reach = 6;       // edges counted within this many pixels either side
    private const int Edges = 5;       // ... at least this many of them make a text-like pixel
    private const int Rows = 3;        // text-like pixels within this many rows up or down
    private const int Support = 5;     // ... at least this many in the column keep it
    private const int Cell = 4;        // islands are found on a grid of cells this big
    private const int Margin = 2;      // cells added around each island, for ascenders and the last letter
    private const byte Paper = 255;

    /// <summary>A copy of <paramref name="gray"/> with only its text-like islands kept, black on white.</summary>
    /// <remarks>
    /// Looked for at full size and at a half and a quarter: letters of a heading are too wide for the edge count at
    /// full size.
    /// </remarks>
    public static byte[] Keep(ReadOnlySpan<byte> gray, int width, int height)
    {
        var (columns, rows) = ((width + Cell - 1) / Cell, (height + Cell - 1) / Cell);
        var cells = new bool[columns * rows];
        var scaled = gray;
        var (scaledWidth, scaledHeight) = (width, height);
        for (var scale = 1; scale <= 4 && scaledWidth > 2 * Reach && scaledHeight > 2 * Rows; scale *= 2)
        {
            Mark(scaled, scaledWidth, scaledHeight, scale, cells, columns);
            var (half, halfWidth, halfHeight) = Half(scaled, scaledWidth, scaledHeight);
            scaled = half;
            (scaledWidth, scaledHeight) = (halfWidth, halfHeight);
        }
        var output = new byte[width * height];
        output.AsSpan().Fill(Paper);
        foreach (var island in Islands(Grow(cells, columns, rows), columns, rows))
            Copy(gray, output, width, height, island);
        return output;
    }

    private static void Mark(ReadOnlySpan<byte> gray, int width, int height, int scale, bool[] cells, int columns)
    {
        var dense = DenseRows(gray, width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (dense[y * width + x] && Supported(dense, width, height, x, y))
                    cells[y * scale / Cell * columns + x * scale / Cell] = true;
            }
        }
    }

    private static (byte[] Gray, int Width, int Height) Half(ReadOnlySpan<byte> gray, int width, int height)
    {
        var (halfWidth, halfHeight) = (width / 2, height / 2);
        var half = new byte[halfWidth * halfHeight];
        for (var y = 0; y < halfHeight; y++)
        {
            for (var x = 0; x < halfWidth; x++)
            {
                var at = 2 * y * width + 2 * x;
                var sum = gray[at] + gray[at + 1] + gray[at + width] + gray[at + width + 1];
                half[y * halfWidth + x] = (byte)((sum + 2) / 4);
            }
        }
        return (half, halfWidth, halfHeight);
    }

    // Text-like pixels: at least `Edges` sharp steps within `Reach` pixels in the row.
    private static bool[] DenseRows(ReadOnlySpan<byte> gray, int width, int height)
    {
        var dense = new bool[width * height];
        var edges = new int[width + 1];
        for (var y = 0; y < height; y++)
        {
            var row = gray.Slice(y * width, width);
            for (var x = 0; x < width; x++)
                edges[x + 1] = edges[x] + (x + 1 < width && Math.Abs(row[x + 1] - row[x]) >= Step ? 1 : 0);
            for (var x = 0; x < width; x++)
            {
                var (from, to) = (Math.Max(0, x - Reach), Math.Min(width, x + Reach + 1));
                dense[y * width + x] = edges[to] - edges[from] >= Edges;
            }
        }
        return dense;
    }

    private static bool Supported(bool[] dense, int width, int height, int x, int y)
    {
        var count = 0;
        for (var dy = Math.Max(0, y - Rows); dy <= Math.Min(height - 1, y + Rows); dy++)
            count += dense[dy * width + x] ? 1 : 0;
        return count >= Support;
    }

    private static bool[] Grow(bool[] cells, int columns, int rows)
    {
        var grown = new bool[cells.Length];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                if (!cells[y * columns + x])
                    continue;
                for (var gy = Math.Max(0, y - Margin); gy <= Math.Min(rows - 1, y + Margin); gy++)
                {
                    for (var gx = Math.Max(0, x - Margin); gx <= Math.Min(columns - 1, x + Margin); gx++)
                        grown[gy * columns + gx] = true;
                }
            }
        }
        return grown;
    }

    private static List<List<int>> Islands(bool[] cells, int columns, int rows)
    {
        var islands = new List<List<int>>();
        var seen = new bool[cells.Length];
        var stack = new Stack<int>();
        for (var start = 0; start < cells.Length; start++)
        {
            if (!cells[start] || seen[start])
                continue;
            var island = new List<int>();
            seen[start] = true;
            stack.Push(start);
            while (stack.TryPop(out var cell))
            {
                island.Add(cell);
                var (x, y) = (cell % columns, cell / columns);
                foreach (var (nx, ny) in new[] { (x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1) })
                {
                    var next = ny * columns + nx;
                    if (nx >= 0 && ny >= 0 && nx < columns && ny < rows && cells[next] && !seen[next])
                    {
                        seen[next] = true;
                        stack.Push(next);
                    }
                }
            }
            islands.Add(island);
        }
        return islands;
    }

    // Each island in black and white at its own threshold (Otsu's), text black: one threshold for the whole screen,
    // which Tesseract would choose, turns a gray panel black beside the white page around it. An island whose pixels
    // are mostly dark holds light text on a dark ground and is inverted.
    private static void Copy(ReadOnlySpan<byte> gray, byte[] output, int width, int height, List<int> island)
    {
        var columns = (width + Cell - 1) / Cell;
        var histogram = new long[256];
        foreach (var (x, y, length) in Runs(island, columns, width, height))
        {
            foreach (var value in gray.Slice(y * width + x, length))
                histogram[value]++;
        }
        var threshold = Otsu(histogram, out var darkShare);
        var lightText = darkShare > 0.5;
        foreach (var (x, y, length) in Runs(island, columns, width, height))
        {
            var source = gray.Slice(y * width + x, length);
            var target = output.AsSpan(y * width + x, length);
            for (var i = 0; i < length; i++)
                target[i] = (source[i] > threshold) == lightText ? (byte)0 : Paper;
        }
    }

    /// <summary>The gray level that best splits the histogram in two, and the share of pixels at or below it.</summary>
    private static int Otsu(long[] histogram, out double darkShare)
    {
        var total = histogram.Sum();
        var weighted = 0.0;
        for (var level = 0; level < 256; level++)
            weighted += level * (double)histogram[level];
        var (best, bestBetween, below, belowWeighted, bestBelow) = (0, -1.0, 0L, 0.0, 0L);
        for (var level = 0; level < 256; level++)
        {
            below += histogram[level];
            belowWeighted += level * (double)histogram[level];
            var above = total - below;
            if (below == 0 || above == 0)
                continue;
            var between = below * (double)above
                * Math.Pow(belowWeighted / below - (weighted - belowWeighted) / above, 2);
            if (between > bestBetween)
                (best, bestBetween, bestBelow) = (level, between, below);
        }
        darkShare = total == 0 ? 0 : bestBelow / (double)total;
        return best;
    }

    private static IEnumerable<(int X, int Y, int Length)> Runs(List<int> island, int columns, int width, int height)
    {
        foreach (var cell in island)
        {
            var (x, y) = (cell % columns * Cell, cell / columns * Cell);
            for (var row = y; row < Math.Min(height, y + Cell); row++)
                yield return (x, row, Math.Min(Cell, width - x));
        }
    }
}
