namespace Bytebot.Desktop.Contracts;

/// <summary>The X desktop this process drives and streams, whether it started it or was given it.</summary>
public interface IDesktopEnvironment
{
    /// <summary>The X display name (for example <c>:99</c>), usable as <c>DISPLAY</c> or in <c>XOpenDisplay</c>.</summary>
    string Display { get; }

    /// <summary>
    /// Screen width in pixels: <c>Desktop:Width</c>, or the last <see cref="ChangeResolution"/> of a managed desktop.
    /// </summary>
    int Width { get; }

    /// <summary>
    /// Screen height in pixels: <c>Desktop:Height</c>, or the last <see cref="ChangeResolution"/> of a managed desktop.
    /// </summary>
    int Height { get; }

    /// <summary>Raised after a managed desktop's screen changed size.</summary>
    event EventHandler<ScreenResolution>? Resized;

    /// <summary>The loopback TCP port (on 127.0.0.1) of the VNC server, or 0 when VNC is turned off.</summary>
    int VncPort { get; }

    /// <summary>True when this process started the X server and its session itself; false for an external <c>DISPLAY</c>.</summary>
    bool IsManaged { get; }
}
