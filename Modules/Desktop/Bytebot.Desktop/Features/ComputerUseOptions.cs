using Microsoft.Extensions.Configuration;

namespace Bytebot.Desktop.Features;

/// <summary>An application the <c>application</c> action can launch; <see cref="WindowClass"/> finds its open window.</summary>
internal sealed record AppEntry(IReadOnlyList<string> Command, string? WindowClass);

/// <summary>
/// <c>Desktop:ShowDesktopCommand</c> and <c>Desktop:Applications:{name}:Command|WindowClass</c>. The defaults are the Debian
/// XFCE desktop's apps; an entry with an empty Command removes a default. (<c>Desktop:WorkspaceRoot</c> is read by
/// Platform's <c>ConfinedWorkspace</c>, the one confinement of the workspace.)
/// </summary>
internal sealed class ComputerUseOptions
{
    // wmctrl asks the window manager (EWMH _NET_SHOWING_DESKTOP); synthesizing super+d would depend on XFCE's key bindings.
    public IReadOnlyList<string> ShowDesktopCommand { get; set; } = ["wmctrl", "-k", "on"];

    public Dictionary<string, AppEntry> Applications { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["firefox"] = new(["firefox-esr"], "Navigator.firefox-esr"),
        ["thunderbird"] = new(["thunderbird"], "Mail.thunderbird"),
        ["terminal"] = new(["xfce4-terminal"], "xfce4-terminal.Xfce4-Terminal"),
        ["directory"] = new(["thunar"], "Thunar"),
        ["editor"] = new(["mousepad"], "mousepad.Mousepad"),
    };

    /// <summary>
    /// How long a launched app may take to show its window. GTK apps can wait out a D-Bus timeout (25 s) at start when
    /// the accessibility bus does not answer.
    /// </summary>
    public TimeSpan LaunchTimeout { get; set; } = TimeSpan.FromSeconds(45);

    public static void Bind(ComputerUseOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection("Desktop");
        options.LaunchTimeout = section.GetValue(nameof(LaunchTimeout), options.LaunchTimeout);
        if (Words(section.GetSection("ShowDesktopCommand")) is { Count: > 0 } showDesktop)
            options.ShowDesktopCommand = showDesktop;
        foreach (var app in section.GetSection("Applications").GetChildren())
        {
            var command = Words(app.GetSection("Command"));
            if (command.Count == 0)
                options.Applications.Remove(app.Key);
            else
                options.Applications[app.Key] = new AppEntry(command, app["WindowClass"] is { Length: > 0 } windowClass ? windowClass : null);
        }
    }

    // Environment variables carry a string, appsettings.json reads better as an array: accept both.
    private static List<string> Words(IConfigurationSection section) =>
        section.Value is { } line
            ? [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [.. section.GetChildren().Select(c => c.Value).OfType<string>()];
}
