namespace Bytebot.Desktop.Screen;

/// <summary>
/// Nearest-neighbour enlargement of BGRX for zoom: every output pixel is a screen pixel (no invented colours), so
/// the model sees exactly what is on the screen, only bigger, and text edges stay sharp.
/// </summary>
internal static unsafe class Upscale
{
    public static byte[] Nearest(ReadOnlySpan<byte> bgrx, int width, int height, int stride, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bgrx.Length, (height - 1) * stride + width * 4, nameof(bgrx));
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetHeight, 1);
        var result = new byte[(long)targetWidth * targetHeight * 4];
        var columns = new int[targetWidth];
        for (var tx = 0; tx < targetWidth; tx++)
            columns[tx] = Source(tx, width, targetWidth);
        fixed (byte* source = bgrx)
        fixed (byte* target = result)
        {
            var previous = -1;
            for (var ty = 0; ty < targetHeight; ty++)
            {
                var line = (uint*)(target + (long)ty * targetWidth * 4);
                var sy = Source(ty, height, targetHeight);
                if (sy == previous)
                {
                    new ReadOnlySpan<uint>(line - targetWidth, targetWidth).CopyTo(new Span<uint>(line, targetWidth));
                    continue;
                }
                var row = (uint*)(source + (long)sy * stride);
                for (var tx = 0; tx < targetWidth; tx++)
                    line[tx] = row[columns[tx]] | 0xff000000;
                previous = sy;
            }
        }
        return result;
    }

    /// <summary>The source pixel under the centre of target pixel <paramref name="t"/>.</summary>
    public static int Source(int t, int size, int targetSize) => (int)(((2L * t + 1) * size) / (2L * targetSize));
}
