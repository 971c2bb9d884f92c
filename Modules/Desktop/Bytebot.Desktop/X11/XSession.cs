using System.Diagnostics;
using Bytebot.Desktop.Clipboard;
using Bytebot.Desktop.Input;
using Bytebot.Desktop.Screen;

namespace Bytebot.Desktop.X11;

/// <summary>One live connection and everything bound to it. Used only on the X thread.</summary>
internal sealed unsafe class XSession : IDisposable
{
    private XSession(string name, nint display)
    {
        Name = name;
        Display = display;
        Screen = Xlib.XDefaultScreen(display);
        Root = Xlib.XDefaultRootWindow(display);
        Width = Xlib.XDisplayWidth(display, Screen);
        Height = Xlib.XDisplayHeight(display, Screen);
        FileDescriptor = Xlib.XConnectionNumber(display);
        // The root window's ConfigureNotify tells of a resize (RandR), whoever made it.
        Xlib.XSelectInput(display, Root, Xlib.StructureNotifyMask);
        Keyboard = new Keyboard(this);
        Capture = new ScreenCapture(this);
        Clipboard = new SelectionOwner(this);
    }

    public string Name { get; }
    public nint Display { get; }
    public int Screen { get; }
    public nuint Root { get; }
    public int Width { get; private set; }
    public int Height { get; private set; }
    public int FileDescriptor { get; }
    public Keyboard Keyboard { get; }
    public ScreenCapture Capture { get; private set; }
    public SelectionOwner Clipboard { get; }

    public static XSession? Open(string name)
    {
        var display = Xlib.XOpenDisplay(name);
        if (display == 0)
            return null;
        XErrors.Watch(display);
        return new XSession(name, display);
    }

    /// <summary>Waits until the server has processed everything sent so far.</summary>
    public void Sync()
    {
        Xlib.XSync(Display, 0);
        if (XErrors.ConnectionLost)
            throw new XConnectionLostException($"The X connection to {Name} was lost; the next call reconnects.");
    }

    public void PumpEvents()
    {
        Xlib.XEvent buffer = default;
        var ev = (byte*)&buffer;
        while (!XErrors.ConnectionLost && Xlib.XPending(Display) > 0)
        {
            Xlib.XNextEvent(Display, ev);
            switch (*(int*)ev)
            {
                case Xlib.SelectionRequest:
                    Clipboard.Answer((Xlib.XSelectionRequestEvent*)ev);
                    break;
                case Xlib.SelectionClear:
                    Clipboard.Lost((Xlib.XSelectionClearEvent*)ev);
                    break;
                case Xlib.ConfigureNotify when ((Xlib.XConfigureEvent*)ev)->Window == Root:
                    Resized(((Xlib.XConfigureEvent*)ev)->Width, ((Xlib.XConfigureEvent*)ev)->Height);
                    break;
            }
        }
    }

    /// <summary>Changes the screen's size (RandR) and takes the new geometry at once.</summary>
    public void Resize(int width, int height)
    {
        ScreenResize.Apply(Display, Root, Width, Height, width, height);
        PumpEvents();
        Resized(width, height);
    }

    /// <summary>The capture's segment is sized for the screen, so it is made again for the new size.</summary>
    private void Resized(int width, int height)
    {
        if ((width, height) == (Width, Height))
            return;
        Width = width;
        Height = height;
        Capture.Dispose();
        Capture = new ScreenCapture(this);
    }

    /// <summary>Sleeps on the X thread while still answering events (a paste must not stall during a typing delay).</summary>
    public void Pause(TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Xlib.XFlush(Display);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = duration - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
                return;
            var fd = new LibC.PollFd { Fd = FileDescriptor, Events = LibC.PollIn };
            _ = LibC.Poll(&fd, 1, Math.Max(1, (int)Math.Ceiling(left.TotalMilliseconds)));
            PumpEvents();
            if (XErrors.ConnectionLost)
                throw new XConnectionLostException($"The X connection to {Name} was lost; the next call reconnects.");
        }
    }

    /// <summary>A live connection gets the keymap restored; a dead one must not be touched (not even closed).</summary>
    public void Dispose()
    {
        if (XErrors.ConnectionLost)
        {
            Capture.Abandon();
            return;
        }
        Keyboard.RevertBindings();
        Capture.Dispose();
        Xlib.XSync(Display, 0);
        Xlib.XCloseDisplay(Display);
    }
}
