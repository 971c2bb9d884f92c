using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

/// <summary>libXrandr (RandR 1.2+): the calls that change a screen's size at runtime.</summary>
internal static unsafe partial class XRandr
{
    private const string Lib = "libXrandr.so.2";

    public const ushort RotateNormal = 1;

    [LibraryImport(Lib)]
    public static partial int XRRGetScreenSizeRange(
        nint display, nuint window, out int minWidth, out int minHeight, out int maxWidth, out int maxHeight);

    [LibraryImport(Lib)]
    public static partial XRRScreenResources* XRRGetScreenResourcesCurrent(nint display, nuint window);

    [LibraryImport(Lib)]
    public static partial void XRRFreeScreenResources(XRRScreenResources* resources);

    [LibraryImport(Lib)]
    public static partial nuint XRRCreateMode(nint display, nuint window, XRRModeInfo* mode);

    [LibraryImport(Lib)]
    public static partial void XRRAddOutputMode(nint display, nuint output, nuint mode);

    [LibraryImport(Lib)]
    public static partial int XRRSetCrtcConfig(nint display, XRRScreenResources* resources, nuint crtc, nuint timestamp,
        int x, int y, nuint mode, ushort rotation, nuint* outputs, int outputCount);

    [LibraryImport(Lib)]
    public static partial void XRRSetScreenSize(
        nint display, nuint window, int width, int height, int millimetreWidth, int millimetreHeight);

    [StructLayout(LayoutKind.Sequential)]
    public struct XRRScreenResources
    {
        public nuint Timestamp;
        public nuint ConfigTimestamp;
        public int CrtcCount;
        public nuint* Crtcs;
        public int OutputCount;
        public nuint* Outputs;
        public int ModeCount;
        public XRRModeInfo* Modes;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XRRModeInfo
    {
        public nuint Id;
        public uint Width;
        public uint Height;
        public nuint DotClock;
        public uint HSyncStart;
        public uint HSyncEnd;
        public uint HTotal;
        public uint HSkew;
        public uint VSyncStart;
        public uint VSyncEnd;
        public uint VTotal;
        public byte* Name;
        public uint NameLength;
        public nuint ModeFlags;
    }
}
