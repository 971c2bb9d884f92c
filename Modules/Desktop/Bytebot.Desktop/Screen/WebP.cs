using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Screen;

/// <summary>Lossy WebP through libwebp's simple API from packed BGR (so nothing can come out transparent).</summary>
internal static unsafe partial class WebP
{
    private const string Lib = "libwebp.so.7";

    public static byte[] Encode(ReadOnlySpan<byte> bgrx, int width, int height, int stride, int quality)
    {
        var bgr = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            Pixels.BgrxToBgr(bgrx.Slice(y * stride, width * 4), bgr.AsSpan(y * width * 3, width * 3));
        byte* output = null;
        try
        {
            nuint size;
            fixed (byte* pixels = bgr)
                size = WebPEncodeBGR(pixels, width, height, width * 3, quality, &output);
            if (size == 0)
                throw new InvalidOperationException($"WebP encoding of a {width}x{height} image failed.");
            return new ReadOnlySpan<byte>(output, checked((int)size)).ToArray();
        }
        finally
        {
            if (output is not null)
                WebPFree(output);
        }
    }

    [LibraryImport(Lib)]
    private static partial nuint WebPEncodeBGR(byte* bgr, int width, int height, int stride, float quality, byte** output);

    [LibraryImport(Lib)]
    private static partial void WebPFree(void* pointer);
}
