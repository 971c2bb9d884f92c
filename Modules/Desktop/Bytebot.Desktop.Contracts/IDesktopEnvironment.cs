namespace Bytebot.Desktop.Contracts;

/// <summary>The X desktop this process drives and streams, whether it started it or was given it.</summary>
public interface IDesktopEnvironment
{
    /// <summary>The X display name (for example <c>:99</c>), usable as <c>DISPLAY</c> or in <c>XOpenDisplay</c>.</summary>
    string Display { get; }

    /// <summary>Screen width in pixels as configured by <c>Desktop:Width</c>.</summary>
    int Width { get; }

    /// <summary>Screen height in pixels as configured by <c>Desktop:Height</c>.</summary>
    int Height { get; }

    /// <summary>The loopback TCP port (on 127.0.0.1) of the VNC server, or 0 when VNC is turned off.</summary>
    int VncPort { get; }

    /// <summary>True when this process started the X server and its session itself; false for an external <c>DISPLAY</c>.</summary>
    bool IsManaged { get; }
}
