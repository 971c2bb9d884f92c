namespace Bytebot.Desktop.Driver;

/// <summary>
/// User-facing key names → X keysyms: Bytebot's set (nut-js names, X11 keysym names, case-insensitive) plus the
/// aliases people type (esc, cmd, win, super, del, pgup, pgdn, return…).
/// </summary>
internal static class KeyNames
{
    public static bool TryResolve(string name, out KeySymbol key)
    {
        ArgumentNullException.ThrowIfNull(name);
        key = default;
        return false;
    }
}
