namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// What makes the desktop's apps expose their trees: GTK3 does by itself once the bus is there; Firefox and other
/// Gecko, Qt and Chromium apps only when asked to (peers-2026.md §2).
/// </summary>
internal static class AccessibilityEnvironment
{
    public static void Apply(IDictionary<string, string?> environment)
    {
        environment["GNOME_ACCESSIBILITY"] = "1";
        environment["NO_AT_BRIDGE"] = "0";
        environment["GTK_A11Y"] = "atspi";
        environment["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1";
        environment["ACCESSIBILITY_ENABLED"] = "1";
    }
}
