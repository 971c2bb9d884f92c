using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Ocr;

/// <summary>libtesseract's C API (Debian's libtesseract5, 5.3). The only file that names the library.</summary>
internal static unsafe partial class Tesseract
{
    private const string Library = "libtesseract.so.5";

    public const int WordLevel = 3;
    public const int LineLevel = 2;

    /// <summary>Page segmentation: find the blocks and lines (PSM_AUTO), or read the image as one block.</summary>
    public const int AutomaticLayout = 3;
    public const int SingleBlock = 6;

    [LibraryImport(Library)]
    public static partial nint TessBaseAPICreate();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TessBaseAPIInit3(nint api, string? dataPath, string language);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TessBaseAPISetVariable(nint api, string name, string value);

    [LibraryImport(Library)]
    public static partial void TessBaseAPISetImage(nint api, byte* data, int width, int height, int bytesPerPixel, int bytesPerLine);

    [LibraryImport(Library)]
    public static partial void TessBaseAPISetPageSegMode(nint api, int mode);

    [LibraryImport(Library)]
    public static partial void TessBaseAPISetSourceResolution(nint api, int ppi);

    [LibraryImport(Library)]
    public static partial int TessBaseAPIRecognize(nint api, nint monitor);

    [LibraryImport(Library)]
    public static partial nint TessBaseAPIGetIterator(nint api);

    [LibraryImport(Library)]
    public static partial nint TessResultIteratorGetPageIterator(nint iterator);

    [LibraryImport(Library)]
    public static partial byte* TessResultIteratorGetUTF8Text(nint iterator, int level);

    [LibraryImport(Library)]
    public static partial float TessResultIteratorConfidence(nint iterator, int level);

    [LibraryImport(Library)]
    public static partial int TessResultIteratorNext(nint iterator, int level);

    [LibraryImport(Library)]
    public static partial void TessResultIteratorDelete(nint iterator);

    [LibraryImport(Library)]
    public static partial int TessPageIteratorBoundingBox(nint iterator, int level, out int left, out int top, out int right, out int bottom);

    [LibraryImport(Library)]
    public static partial int TessPageIteratorIsAtBeginningOf(nint iterator, int level);

    [LibraryImport(Library)]
    public static partial void TessDeleteText(byte* text);

    [LibraryImport(Library)]
    public static partial void TessBaseAPIClear(nint api);

    [LibraryImport(Library)]
    public static partial void TessBaseAPIEnd(nint api);

    [LibraryImport(Library)]
    public static partial void TessBaseAPIDelete(nint api);

    /// <summary>
    /// libgomp reads OMP_THREAD_LIMIT once, when it is loaded with libtesseract, from the C environment, which
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not write on Linux. Without it a run is
    /// 5–10× slower on 2 cores (0.44 s → 4.9 s in-process, native-linux.md gotcha 11).
    /// </summary>
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetEnv(string name, string value, int overwrite);
}
