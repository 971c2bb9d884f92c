using System.Text;

namespace Bytebot.Desktop.X11;

/// <summary>Reads a text property of a display's root window, over a connection of its own.</summary>
internal static unsafe class RootProperty
{
    private const nuint AnyPropertyType = 0;

    /// <summary>The property's text; null when the display or the property is not there.</summary>
    public static string? ReadText(string displayName, string property)
    {
        XErrors.InstallProcessHandlers();
        var display = Xlib.XOpenDisplay(displayName);
        if (display == 0)
            return null;
        // Without its own exit handler, an X server that dies meanwhile makes Xlib exit() the host.
        XErrors.Watch(display);
        try
        {
            var atom = Xlib.XInternAtom(display, property, 1);
            if (atom == 0)
                return null;
            var root = Xlib.XDefaultRootWindow(display);
            var status = Xlib.XGetWindowProperty(display, root, atom, 0, 4096, 0, AnyPropertyType,
                out _, out var format, out var count, out _, out var data);
            if (data is null)
                return null;
            try
            {
                return status == 0 && format == 8 && count > 0 ? Encoding.UTF8.GetString(data, (int)count) : null;
            }
            finally
            {
                Xlib.XFree(data);
            }
        }
        finally
        {
            if (!XErrors.ConnectionLost)
                Xlib.XCloseDisplay(display);
        }
    }
}
