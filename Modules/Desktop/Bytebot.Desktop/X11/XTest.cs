using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

internal static partial class XTest
{
    private const string Lib = "libXtst.so.6";

    [LibraryImport(Lib)]
    public static partial void XTestFakeMotionEvent(nint display, int screen, int x, int y, nuint delay);

    [LibraryImport(Lib)]
    public static partial void XTestFakeButtonEvent(nint display, uint button, int isPress, nuint delay);

    [LibraryImport(Lib)]
    public static partial void XTestFakeKeyEvent(nint display, uint keycode, int isPress, nuint delay);
}
