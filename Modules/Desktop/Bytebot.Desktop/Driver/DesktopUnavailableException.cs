namespace Bytebot.Desktop.Driver;

/// <summary>
/// The display cannot take actions right now (not started yet, restarting, connection lost). Callers answer 503,
/// not 500 (reliability.md R6): the next call may well succeed once the supervisor has the display back.
/// </summary>
internal class DesktopUnavailableException(string message) : Exception(message);
