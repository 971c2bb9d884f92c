namespace Bytebot.Dashboard.Components.LiveView;

/// <summary>The desktop's launchers, by Bytebot's application names (the desktop maps them to commands).</summary>
internal static class Launchers
{
    public static IReadOnlyList<(string Name, string Label)> All { get; } =
    [
        ("firefox", "Firefox"), ("terminal", "Terminal"), ("vscode", "VS Code"), ("thunderbird", "Thunderbird"),
        ("directory", "Files"), ("desktop", "Show desktop"),
    ];
}
