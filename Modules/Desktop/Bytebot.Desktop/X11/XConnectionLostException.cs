using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.X11;

/// <summary>The X server went away or never came up; the next call connects again.</summary>
internal sealed class XConnectionLostException(string message) : DesktopUnavailableException(message);
