using System.IO.Hashing;
using System.Runtime.InteropServices;
using Bytebot.Desktop.X11;

namespace Bytebot.Desktop.Screen;

/// <summary>
/// Full-screen capture into one MIT-SHM segment kept for the session (about 0.2 ms), or XGetImage (about 6 ms)
/// when the server cannot attach our segment (another IPC namespace: BadAccess arrives asynchronously).
/// </summary>
internal sealed unsafe class ScreenCapture : IDisposable
{
    private readonly XSession _session;
    private readonly int _stride;
    private XShm.XShmSegmentInfo* _segment;
    private Xlib.XImage* _image;

    public ScreenCapture(XSession session)
    {
        _session = session;
        _stride = session.Width * 4;
        UsesSharedMemory = TryAttach();
    }

    public bool UsesSharedMemory { get; }

    /// <summary>Captures into the shared segment (or a fresh buffer) and hands the pixels to <paramref name="use"/>.</summary>
    public T Read<T>(Func<ReadOnlySpan<byte>, int, T> use)
    {
        if (UsesSharedMemory)
        {
            XShm.XShmGetImage(_session.Display, _session.Root, _image, 0, 0, nuint.MaxValue);
            if (XErrors.ConnectionLost)
                throw new XConnectionLostException("The X connection was lost during a capture.");
            return use(new ReadOnlySpan<byte>(_image->Data, _stride * _session.Height), _stride);
        }
        var image = Xlib.XGetImage(_session.Display, _session.Root, 0, 0, (uint)_session.Width, (uint)_session.Height, nuint.MaxValue, Xlib.ZPixmap);
        if (image is null)
            throw new XConnectionLostException("XGetImage returned nothing.");
        try
        {
            if (image->BitsPerPixel != 32)
                throw new NotSupportedException($"Only 24/32-bit displays are supported, not {image->BitsPerPixel} bits per pixel.");
            return use(new ReadOnlySpan<byte>(image->Data, image->BytesPerLine * image->Height), image->BytesPerLine);
        }
        finally
        {
            Xlib.XDestroyImage(image);
        }
    }

    public ScreenFrame Grab() => Read((pixels, stride) => new ScreenFrame(pixels.ToArray(), _session.Width, _session.Height, stride));

    /// <summary>
    /// <see cref="Grab"/> into a pooled buffer (at least as long as the frame) the caller returns to
    /// <see cref="ScreenBuffers.Pool"/>: a fresh 4.9 MB array per screenshot went to the large object heap and
    /// brought gen-2 collections with it.
    /// </summary>
    /// <remarks>
    /// The frame's XXH3 hash comes with it; when it equals <paramref name="unchanged"/> nothing is copied and the frame
    /// is null (the caller still holds what it made of that frame).
    /// </remarks>
    public (ulong Hash, ScreenFrame? Frame) Rent(ulong? unchanged) => Read((pixels, stride) =>
    {
        var hash = XxHash3.HashToUInt64(pixels);
        if (hash == unchanged)
            return (hash, (ScreenFrame?)null);
        var buffer = ScreenBuffers.Pool.Rent(pixels.Length);
        pixels.CopyTo(buffer);
        return (hash, new ScreenFrame(buffer, _session.Width, _session.Height, stride));
    });

    public void Dispose()
    {
        if (_image is null)
            return;
        XShm.XShmDetach(_session.Display, _segment);
        Abandon();
    }

    /// <summary>Frees our side only; the segment was marked for removal right after the attach.</summary>
    public void Abandon()
    {
        if (_image is null)
            return;
        _ = LibC.ShmDt(_segment->ShmAddr);
        _image->Data = null;
        Xlib.XDestroyImage(_image);
        NativeMemory.Free(_segment);
        _image = null;
        _segment = null;
    }

    private bool TryAttach()
    {
        var display = _session.Display;
        if (XShm.XShmQueryExtension(display) == 0)
            return false;
        var segment = (XShm.XShmSegmentInfo*)NativeMemory.AllocZeroed((nuint)sizeof(XShm.XShmSegmentInfo));
        var visual = Xlib.XDefaultVisual(display, _session.Screen);
        var depth = (uint)Xlib.XDefaultDepth(display, _session.Screen);
        var image = XShm.XShmCreateImage(display, visual, depth, Xlib.ZPixmap, null, segment, (uint)_session.Width, (uint)_session.Height);
        if (image is null || image->BitsPerPixel != 32 || image->BytesPerLine != _stride)
        {
            if (image is not null)
                Xlib.XDestroyImage(image);
            NativeMemory.Free(segment);
            return false;
        }
        segment->ShmId = LibC.ShmGet(LibC.IpcPrivate, (nuint)(_stride * _session.Height), LibC.IpcCreat | 0x180);
        segment->ShmAddr = segment->ShmId < 0 ? (byte*)-1 : LibC.ShmAt(segment->ShmId, null, 0);
        if (segment->ShmAddr == (byte*)-1)
        {
            if (segment->ShmId >= 0)
                _ = LibC.ShmCtl(segment->ShmId, LibC.IpcRmid, null);
            Xlib.XDestroyImage(image);
            NativeMemory.Free(segment);
            return false;
        }
        image->Data = segment->ShmAddr;
        var errors = XErrors.Count;
        XShm.XShmAttach(display, segment);
        Xlib.XSync(display, 0);
        _ = LibC.ShmCtl(segment->ShmId, LibC.IpcRmid, null);
        if (XErrors.Count != errors)
        {
            _ = LibC.ShmDt(segment->ShmAddr);
            image->Data = null;
            Xlib.XDestroyImage(image);
            NativeMemory.Free(segment);
            return false;
        }
        _segment = segment;
        _image = image;
        return true;
    }
}
