using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

/// <summary>MIT-SHM from libXext: the server writes screen pixels straight into our shared memory segment.</summary>
internal static unsafe partial class XShm
{
    private const string Lib = "libXext.so.6";

    [LibraryImport(Lib)]
    public static partial int XShmQueryExtension(nint display);

    [LibraryImport(Lib)]
    public static partial Xlib.XImage* XShmCreateImage(nint display, nint visual, uint depth, int format, byte* data, XShmSegmentInfo* shmInfo, uint width, uint height);

    [LibraryImport(Lib)]
    public static partial void XShmAttach(nint display, XShmSegmentInfo* shmInfo);

    [LibraryImport(Lib)]
    public static partial void XShmDetach(nint display, XShmSegmentInfo* shmInfo);

    [LibraryImport(Lib)]
    public static partial void XShmGetImage(nint display, nuint drawable, Xlib.XImage* image, int x, int y, nuint planeMask);

    [StructLayout(LayoutKind.Sequential)]
    public struct XShmSegmentInfo
    {
        public nuint ShmSeg;
        public int ShmId;
        public byte* ShmAddr;
        public int ReadOnly;
    }
}
