using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

/// <summary>libX11 on LP64: XID/Window/Atom/KeySym/Time are <c>unsigned long</c> (nuint), Bool is int.</summary>
internal static unsafe partial class Xlib
{
    private const string Lib = "libX11.so.6";

    public const int ZPixmap = 2;
    public const int PropModeReplace = 0;
    public const nuint AtomAtom = 4;
    public const nuint AtomString = 31;
    public const nuint AtomPrimary = 1;

    public const int ConfigureNotify = 22;
    public const int SelectionClear = 29;
    public const int SelectionRequest = 30;
    public const int SelectionNotify = 31;

    public const nint StructureNotifyMask = 1 << 17;

    public const uint ShiftMask = 1;
    public const uint LockMask = 2;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XOpenDisplay(string? name);

    [LibraryImport(Lib)]
    public static partial void XCloseDisplay(nint display);

    [LibraryImport(Lib)]
    public static partial nuint XDefaultRootWindow(nint display);

    [LibraryImport(Lib)]
    public static partial int XDefaultScreen(nint display);

    [LibraryImport(Lib)]
    public static partial nint XDefaultVisual(nint display, int screen);

    [LibraryImport(Lib)]
    public static partial int XDefaultDepth(nint display, int screen);

    [LibraryImport(Lib)]
    public static partial int XDisplayWidth(nint display, int screen);

    [LibraryImport(Lib)]
    public static partial int XDisplayHeight(nint display, int screen);

    [LibraryImport(Lib)]
    public static partial int XConnectionNumber(nint display);

    [LibraryImport(Lib)]
    public static partial XImage* XGetImage(nint display, nuint drawable, int x, int y, uint width, uint height, nuint planeMask, int format);

    /// <summary>A real export (the macro calls the image's destroy hook); frees <c>data</c> too unless it was nulled.</summary>
    [LibraryImport(Lib)]
    public static partial void XDestroyImage(XImage* image);

    [LibraryImport(Lib)]
    public static partial void XFree(void* data);

    [LibraryImport(Lib)]
    public static partial void XSync(nint display, int discard);

    [LibraryImport(Lib)]
    public static partial void XFlush(nint display);

    [LibraryImport(Lib)]
    public static partial int XPending(nint display);

    [LibraryImport(Lib)]
    public static partial void XNextEvent(nint display, byte* eventReturn);

    [LibraryImport(Lib)]
    public static partial void XSelectInput(nint display, nuint window, nint eventMask);

    [LibraryImport(Lib)]
    public static partial int XQueryPointer(nint display, nuint window, out nuint root, out nuint child, out int rootX, out int rootY, out int winX, out int winY, out uint mask);

    [LibraryImport(Lib)]
    public static partial int XGetInputFocus(nint display, out nuint focus, out int revertTo);

    [LibraryImport(Lib)]
    public static partial void XQueryKeymap(nint display, byte* keysReturn);

    [LibraryImport(Lib)]
    public static partial void XDisplayKeycodes(nint display, out int minKeycode, out int maxKeycode);

    [LibraryImport(Lib)]
    public static partial nuint* XGetKeyboardMapping(nint display, uint firstKeycode, int keycodeCount, out int keysymsPerKeycode);

    [LibraryImport(Lib)]
    public static partial void XChangeKeyboardMapping(nint display, int firstKeycode, int keysymsPerKeycode, nuint* keysyms, int numCodes);

    [LibraryImport(Lib)]
    public static partial nuint XCreateSimpleWindow(nint display, nuint parent, int x, int y, uint width, uint height, uint borderWidth, nuint border, nuint background);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nuint XInternAtom(nint display, string name, int onlyIfExists);

    [LibraryImport(Lib)]
    public static partial int XGetWindowProperty(nint display, nuint window, nuint property, nint offset, nint length, int delete, nuint requestedType,
        out nuint actualType, out int actualFormat, out nuint itemCount, out nuint bytesAfter, out byte* data);

    [LibraryImport(Lib)]
    public static partial void XSetSelectionOwner(nint display, nuint selection, nuint owner, nuint time);

    [LibraryImport(Lib)]
    public static partial nuint XGetSelectionOwner(nint display, nuint selection);

    [LibraryImport(Lib)]
    public static partial void XChangeProperty(nint display, nuint window, nuint property, nuint type, int format, int mode, void* data, int elementCount);

    [LibraryImport(Lib)]
    public static partial void XSendEvent(nint display, nuint window, int propagate, nint eventMask, byte* eventSend);

    [LibraryImport(Lib)]
    public static partial nint XSetErrorHandler(delegate* unmanaged[Cdecl]<nint, XErrorEvent*, int> handler);

    [LibraryImport(Lib)]
    public static partial nint XSetIOErrorHandler(delegate* unmanaged[Cdecl]<nint, int> handler);

    /// <summary>libX11 ≥ 1.7: without it a lost connection calls <c>exit(1)</c> even with an IO error handler.</summary>
    [LibraryImport(Lib)]
    public static partial void XSetIOErrorExitHandler(nint display, delegate* unmanaged[Cdecl]<nint, nint, void> handler, nint userData);

    [StructLayout(LayoutKind.Sequential)]
    public struct XErrorEvent
    {
        public int Type;
        public nint Display;
        public nuint ResourceId;
        public nuint Serial;
        public byte ErrorCode;
        public byte RequestCode;
        public byte MinorCode;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XImage
    {
        public int Width;
        public int Height;
        public int XOffset;
        public int Format;
        public byte* Data;
        public int ByteOrder;
        public int BitmapUnit;
        public int BitmapBitOrder;
        public int BitmapPad;
        public int Depth;
        public int BytesPerLine;
        public int BitsPerPixel;
    }

    /// <summary>XSelectionRequestEvent; only a prefix of the 192-byte XEvent union.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XSelectionRequestEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nuint Owner;
        public nuint Requestor;
        public nuint Selection;
        public nuint Target;
        public nuint Property;
        public nuint Time;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XSelectionEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nuint Requestor;
        public nuint Selection;
        public nuint Target;
        public nuint Property;
        public nuint Time;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XSelectionClearEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nuint Window;
        public nuint Selection;
        public nuint Time;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XConfigureEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nuint Event;
        public nuint Window;
        public int X;
        public int Y;
        public int Width;
        public int Height;
    }

    /// <summary>The XEvent union is 24 longs.</summary>
    [InlineArray(192)]
    public struct XEvent
    {
        private byte _first;
    }
}
