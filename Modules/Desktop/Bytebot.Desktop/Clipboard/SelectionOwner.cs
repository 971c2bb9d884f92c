using System.Text;
using Bytebot.Desktop.X11;

namespace Bytebot.Desktop.Clipboard;

/// <summary>
/// The host owns CLIPBOARD and PRIMARY through a hidden window and answers SelectionRequest on the X thread.
/// Texts are sent in one property write; INCR transfers are not implemented, so larger texts are refused.
/// </summary>
internal sealed unsafe class SelectionOwner(XSession session)
{
    public const int MaxBytes = 256 * 1024;

    private nuint _window;
    private nuint _clipboard;
    private nuint _utf8;
    private nuint _text;
    private nuint _targets;
    private byte[]? _content;
    private int _owned;

    public static void Validate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
            throw new ArgumentException($"The text is {bytes} bytes of UTF-8; the clipboard takes at most {MaxBytes}.", nameof(text));
    }

    public void Own(string text)
    {
        Validate(text);
        var display = session.Display;
        if (_window == 0)
        {
            _window = Xlib.XCreateSimpleWindow(display, session.Root, -10, -10, 1, 1, 0, 0, 0);
            _clipboard = Xlib.XInternAtom(display, "CLIPBOARD", 0);
            _utf8 = Xlib.XInternAtom(display, "UTF8_STRING", 0);
            _text = Xlib.XInternAtom(display, "TEXT", 0);
            _targets = Xlib.XInternAtom(display, "TARGETS", 0);
        }
        _content = Encoding.UTF8.GetBytes(text);
        Xlib.XSetSelectionOwner(display, _clipboard, _window, 0);
        Xlib.XSetSelectionOwner(display, Xlib.AtomPrimary, _window, 0);
        session.Sync();
        if (Xlib.XGetSelectionOwner(display, _clipboard) != _window)
            throw new InvalidOperationException("The X server did not give the host the CLIPBOARD selection.");
        _owned = 2;
    }

    public void Lost(Xlib.XSelectionClearEvent* clear)
    {
        if (clear->Window == _window && --_owned <= 0)
            _content = null;
    }

    public void Answer(Xlib.XSelectionRequestEvent* request)
    {
        var property = request->Property != 0 ? request->Property : request->Target;
        if (!Write(request, property))
            property = 0;
        Xlib.XEvent buffer = default;
        var notify = (Xlib.XSelectionEvent*)&buffer;
        notify->Type = Xlib.SelectionNotify;
        notify->SendEvent = 1;
        notify->Display = session.Display;
        notify->Requestor = request->Requestor;
        notify->Selection = request->Selection;
        notify->Target = request->Target;
        notify->Property = property;
        notify->Time = request->Time;
        Xlib.XSendEvent(session.Display, request->Requestor, 0, 0, (byte*)&buffer);
        Xlib.XFlush(session.Display);
    }

    private bool Write(Xlib.XSelectionRequestEvent* request, nuint property)
    {
        if (_content is not { } content || request->Owner != _window)
            return false;
        var display = session.Display;
        var target = request->Target;
        if (target == _targets)
        {
            // Format 32 properties are arrays of C longs, 8 bytes each on LP64.
            var atoms = stackalloc nuint[] { _targets, _utf8, _text, Xlib.AtomString };
            Xlib.XChangeProperty(display, request->Requestor, property, Xlib.AtomAtom, 32, Xlib.PropModeReplace, atoms, 4);
            return true;
        }
        if (target == _utf8 || target == _text || target == Xlib.AtomString)
        {
            var bytes = target == Xlib.AtomString ? Latin1(content) : content;
            var type = target == Xlib.AtomString ? Xlib.AtomString : _utf8;
            fixed (byte* data = bytes)
                Xlib.XChangeProperty(display, request->Requestor, property, type, 8, Xlib.PropModeReplace, data, bytes.Length);
            return true;
        }
        return false;
    }

    private static byte[] Latin1(byte[] utf8) =>
        Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(utf8).Select(c => c <= 0xff ? c : '?').ToArray());
}
