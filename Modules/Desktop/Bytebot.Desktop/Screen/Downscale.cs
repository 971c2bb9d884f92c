namespace Bytebot.Desktop.Screen;

/// <summary>Area-averaging (box) downscale of BGRX: every source pixel counts, so thin text lines do not vanish.</summary>
internal static unsafe class Downscale
{
    public static byte[] Box(ReadOnlySpan<byte> bgrx, int width, int height, int stride, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bgrx.Length, (height - 1) * stride + width * 4, nameof(bgrx));
        var result = new byte[targetWidth * targetHeight * 4];
        var sums = new int[targetWidth * 3];
        var xStarts = new int[targetWidth + 1];
        for (var tx = 0; tx <= targetWidth; tx++)
            xStarts[tx] = (int)((long)tx * width / targetWidth);
        fixed (byte* source = bgrx)
        fixed (byte* target = result)
        fixed (int* sum = sums)
        {
            for (var ty = 0; ty < targetHeight; ty++)
            {
                var y0 = (int)((long)ty * height / targetHeight);
                var y1 = Math.Max(y0 + 1, (int)((long)(ty + 1) * height / targetHeight));
                Array.Clear(sums);
                for (var y = y0; y < y1; y++)
                {
                    var row = source + (long)y * stride;
                    for (var tx = 0; tx < targetWidth; tx++)
                    {
                        int b = 0, g = 0, r = 0;
                        var end = row + Math.Max(xStarts[tx] + 1, xStarts[tx + 1]) * 4;
                        for (var p = row + xStarts[tx] * 4; p < end; p += 4)
                        {
                            b += p[0];
                            g += p[1];
                            r += p[2];
                        }
                        sum[tx * 3] += b;
                        sum[tx * 3 + 1] += g;
                        sum[tx * 3 + 2] += r;
                    }
                }
                var rows = y1 - y0;
                var line = target + (long)ty * targetWidth * 4;
                for (var tx = 0; tx < targetWidth; tx++)
                {
                    var count = rows * (Math.Max(xStarts[tx] + 1, xStarts[tx + 1]) - xStarts[tx]);
                    line[tx * 4] = (byte)((sum[tx * 3] + count / 2) / count);
                    line[tx * 4 + 1] = (byte)((sum[tx * 3 + 1] + count / 2) / count);
                    line[tx * 4 + 2] = (byte)((sum[tx * 3 + 2] + count / 2) / count);
                    line[tx * 4 + 3] = 0xff;
                }
            }
        }
        return result;
    }
}
