using System.Text;

namespace Bytebot.Desktop.X11;

/// <summary>
/// Sets the screen of a RandR 1.2 server with one output (Xvfb) to a size, on a connection of the caller's thread.
/// Xvfb (21.1) resizes at runtime up to the size it was started with; it has no mode for other sizes, so one is
/// created and added to its output. A mode created by a client outlives it while a CRTC shows it.
/// </summary>
internal static unsafe class ScreenResize
{
    // 96 dpi, what Xvfb itself reports for its start size.
    private static int Millimetres(int pixels) => (int)Math.Round(pixels * 25.4 / 96);

    /// <summary>Resizes over a connection of its own; null when done, else why not.</summary>
    public static string? ApplyOnce(string displayName, int currentWidth, int currentHeight, int width, int height)
    {
        XErrors.InstallProcessHandlers();
        var display = Xlib.XOpenDisplay(displayName);
        if (display == 0)
            return $"{displayName} did not accept a connection";
        XErrors.Watch(display);
        try
        {
            Apply(display, Xlib.XDefaultRootWindow(display), currentWidth, currentHeight, width, height);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
        finally
        {
            if (!XErrors.ConnectionLost)
                Xlib.XCloseDisplay(display);
        }
    }

    /// <summary>The largest size the server can take, from RandR's size range.</summary>
    public static (int Width, int Height) Largest(nint display, nuint root)
    {
        XRandr.XRRGetScreenSizeRange(display, root, out _, out _, out var width, out var height);
        return (width, height);
    }

    /// <summary>Changes the size; throws <see cref="InvalidOperationException"/> saying why when it cannot.</summary>
    public static void Apply(nint display, nuint root, int currentWidth, int currentHeight, int width, int height)
    {
        var (maxWidth, maxHeight) = Largest(display, root);
        if (width > maxWidth || height > maxHeight)
            throw new InvalidOperationException(
                $"this X server was started at {maxWidth}x{maxHeight} and cannot grow to {width}x{height}; " +
                "restart the host to start its desktop with room for it.");
        var resources = XRandr.XRRGetScreenResourcesCurrent(display, root);
        if (resources is null || resources->CrtcCount == 0 || resources->OutputCount == 0)
        {
            if (resources is not null)
                XRandr.XRRFreeScreenResources(resources);
            throw new InvalidOperationException("this X server has no RandR output to resize.");
        }
        var errors = XErrors.Count;
        try
        {
            var mode = FindOrCreateMode(display, root, resources, width, height);
            // The screen must hold the CRTC at every step: grow it first, shrink it after the CRTC is smaller.
            int wider = Math.Max(width, currentWidth), taller = Math.Max(height, currentHeight);
            if ((wider, taller) != (currentWidth, currentHeight))
                XRandr.XRRSetScreenSize(display, root, wider, taller, Millimetres(wider), Millimetres(taller));
            var status = XRandr.XRRSetCrtcConfig(display, resources, resources->Crtcs[0], 0, 0, 0, mode,
                XRandr.RotateNormal, resources->Outputs, 1);
            if (status != 0)
                throw new InvalidOperationException(
                    $"the X server refused the mode {width}x{height} (status {status}).");
            if ((wider, taller) != (width, height))
                XRandr.XRRSetScreenSize(display, root, width, height, Millimetres(width), Millimetres(height));
            Xlib.XSync(display, 0);
        }
        finally
        {
            XRandr.XRRFreeScreenResources(resources);
        }
        if (XErrors.Count != errors)
            throw new InvalidOperationException(
                $"the X server refused the resize to {width}x{height} ({XErrors.Last}).");
    }

    private static nuint FindOrCreateMode(
        nint display, nuint root, XRandr.XRRScreenResources* resources, int width, int height)
    {
        for (var i = 0; i < resources->ModeCount; i++)
        {
            var known = resources->Modes[i];
            if (known.Width == width && known.Height == height)
                return known.Id;
        }
        var name = Encoding.ASCII.GetBytes($"{width}x{height}");
        fixed (byte* text = name)
        {
            var info = new XRandr.XRRModeInfo
            {
                Width = (uint)width,
                Height = (uint)height,
                HTotal = (uint)width,
                VTotal = (uint)height,
                DotClock = (nuint)(width * height * 60L),
                Name = text,
                NameLength = (uint)name.Length,
            };
            var mode = XRandr.XRRCreateMode(display, root, &info);
            XRandr.XRRAddOutputMode(display, resources->Outputs[0], mode);
            return mode;
        }
    }
}
