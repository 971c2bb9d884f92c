using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Screen;

/// <summary>libturbojpeg reads BGRX directly (the X byte is ignored); 2.4–4.5 ms for 1280×960.</summary>
internal static unsafe partial class TurboJpeg
{
    private const string Lib = "libturbojpeg.so.0";
    private const int PixelFormatBgrx = 3;
    private const int Subsampling420 = 2;
    private const int FlagFastDct = 2048;

    public static byte[] Encode(ReadOnlySpan<byte> bgrx, int width, int height, int stride, int quality)
    {
        var handle = TjInitCompress();
        if (handle == 0)
            throw new InvalidOperationException("tjInitCompress failed.");
        byte* jpeg = null;
        nuint size = 0;
        try
        {
            fixed (byte* source = bgrx)
            {
                if (TjCompress2(handle, source, width, stride, height, PixelFormatBgrx, &jpeg, &size, Subsampling420, quality, FlagFastDct) != 0)
                    throw new InvalidOperationException("JPEG encoding failed: " + Marshal.PtrToStringUTF8((nint)TjGetErrorStr2(handle)));
            }
            return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
        }
        finally
        {
            if (jpeg is not null)
                TjFree(jpeg);
            _ = TjDestroy(handle);
        }
    }

    [LibraryImport(Lib, EntryPoint = "tjInitCompress")]
    private static partial nint TjInitCompress();

    [LibraryImport(Lib, EntryPoint = "tjCompress2")]
    private static partial int TjCompress2(nint handle, byte* source, int width, int pitch, int height, int pixelFormat, byte** jpeg, nuint* jpegSize, int subsampling, int quality, int flags);

    [LibraryImport(Lib, EntryPoint = "tjFree")]
    private static partial void TjFree(byte* buffer);

    [LibraryImport(Lib, EntryPoint = "tjDestroy")]
    private static partial int TjDestroy(nint handle);

    [LibraryImport(Lib, EntryPoint = "tjGetErrorStr2")]
    private static partial byte* TjGetErrorStr2(nint handle);
}
