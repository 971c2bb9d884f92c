using Bytebot.Desktop.Contracts;
using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Ocr;

/// <summary>One word as Tesseract saw it, in the pixels of the image it was given.</summary>
internal readonly record struct RecognizedWord(string Text, float Confidence, int Left, int Top, int Right, int Bottom, bool StartsLine);

/// <summary>
/// Owns one TessBaseAPI (not thread-safe: calls are serialized) and reads 8-bit gray images with it. Gray input:
/// BGRX is read as RGBA, swapped and 3× slower, with the wallpaper read as 473 junk "words" (gotcha 11).
/// </summary>
internal sealed unsafe class TesseractReader : IDisposable
{
    private const string DefaultDataPath = "/usr/share/tesseract-ocr/5/tessdata";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private nint _api;

    public IReadOnlyList<RecognizedWord> Read(
        ReadOnlySpan<byte> gray, int width, int height, int layout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gray.Length, width * height, nameof(gray));
        _gate.Wait(cancellationToken);
        try
        {
            var api = Api();
            var words = new List<RecognizedWord>();
            fixed (byte* pixels = gray)
            {
                Tesseract.TessBaseAPISetPageSegMode(api, layout);
                Tesseract.TessBaseAPISetImage(api, pixels, width, height, 1, width);
                // Screens are about 96 dpi; without a resolution Tesseract warns and guesses.
                Tesseract.TessBaseAPISetSourceResolution(api, 96);
                if (Tesseract.TessBaseAPIRecognize(api, 0) != 0)
                    throw new InvalidOperationException("Tesseract could not recognize the image.");
                var iterator = Tesseract.TessBaseAPIGetIterator(api);
                if (iterator == 0)
                    return words;
                try
                {
                    var page = Tesseract.TessResultIteratorGetPageIterator(iterator);
                    do
                    {
                        var text = Tesseract.TessResultIteratorGetUTF8Text(iterator, Tesseract.WordLevel);
                        if (text is null)
                            continue;
                        var word = Marshal.PtrToStringUTF8((nint)text) ?? "";
                        Tesseract.TessDeleteText(text);
                        if (word.Trim().Length == 0)
                            continue;
                        Tesseract.TessPageIteratorBoundingBox(page, Tesseract.WordLevel, out var left, out var top, out var right, out var bottom);
                        words.Add(new RecognizedWord(word.Trim(), Tesseract.TessResultIteratorConfidence(iterator, Tesseract.WordLevel),
                            left, top, right, bottom, Tesseract.TessPageIteratorIsAtBeginningOf(page, Tesseract.LineLevel) != 0));
                    }
                    while (Tesseract.TessResultIteratorNext(iterator, Tesseract.WordLevel) != 0);
                }
                finally
                {
                    Tesseract.TessResultIteratorDelete(iterator);
                    Tesseract.TessBaseAPIClear(api);
                }
            }
            return words;
        }
        finally
        {
            _gate.Release();
        }
    }

    private nint Api()
    {
        if (_api != 0)
            return _api;
        if (Environment.GetEnvironmentVariable("OMP_THREAD_LIMIT") is null)
            _ = Tesseract.SetEnv("OMP_THREAD_LIMIT", "1", 0);
        nint api;
        try
        {
            api = Tesseract.TessBaseAPICreate();
        }
        catch (DllNotFoundException)
        {
            throw new DesktopUnavailableException("OCR needs libtesseract5 and tesseract-ocr-eng (run build/setup).");
        }
        var dataPath = Environment.GetEnvironmentVariable("TESSDATA_PREFIX") ?? DefaultDataPath;
        if (Tesseract.TessBaseAPIInit3(api, dataPath, "eng") != 0)
        {
            Tesseract.TessBaseAPIDelete(api);
            throw new DesktopUnavailableException($"Tesseract found no English data in {dataPath}: install tesseract-ocr-eng (run build/setup).");
        }
        _ = Tesseract.TessBaseAPISetVariable(api, "debug_file", "/dev/null");
        return _api = api;
    }

    public void Dispose()
    {
        if (_api != 0)
        {
            Tesseract.TessBaseAPIEnd(_api);
            Tesseract.TessBaseAPIDelete(_api);
            _api = 0;
        }
        _gate.Dispose();
    }
}
