namespace Bytebot.Desktop.Screen;

/// <summary>Area-averaging (box) downscale of BGRX: every source pixel counts, so thin text lines do not vanish.</summary>
internal static class Downscale
{
    public static byte[] Box(ReadOnlySpan<byte> bgrx, int width, int height, int stride, int targetWidth, int targetHeight)
    {
        var result = new byte[targetWidth * targetHeight * 4];
        var sums = new int[targetWidth * 3];
        var xStarts = new int[targetWidth + 1];
        for (var tx = 0; tx <= targetWidth; tx++)
            xStarts[tx] = (int)((long)tx * width / targetWidth);
        for (var ty = 0; ty < targetHeight; ty++)
        {
            var y0 = (int)((long)ty * height / targetHeight);
            var y1 = Math.Max(y0 + 1, (int)((long)(ty + 1) * height / targetHeight));
            Array.Clear(sums);
            for (var y = y0; y < y1; y++)
            {
                var row = bgrx.Slice(y * stride, width * 4);
                for (var tx = 0; tx < targetWidth; tx++)
                {
                    var x1 = Math.Max(xStarts[tx] + 1, xStarts[tx + 1]);
                    for (var x = xStarts[tx]; x < x1; x++)
                    {
                        sums[tx * 3] += row[x * 4];
                        sums[tx * 3 + 1] += row[x * 4 + 1];
                        sums[tx * 3 + 2] += row[x * 4 + 2];
                    }
                }
            }
            var rows = y1 - y0;
            var target = result.AsSpan(ty * targetWidth * 4, targetWidth * 4);
            for (var tx = 0; tx < targetWidth; tx++)
            {
                var count = rows * (Math.Max(xStarts[tx] + 1, xStarts[tx + 1]) - xStarts[tx]);
                target[tx * 4] = (byte)((sums[tx * 3] + count / 2) / count);
                target[tx * 4 + 1] = (byte)((sums[tx * 3 + 1] + count / 2) / count);
                target[tx * 4 + 2] = (byte)((sums[tx * 3 + 2] + count / 2) / count);
                target[tx * 4 + 3] = 0xff;
            }
        }
        return result;
    }
}
