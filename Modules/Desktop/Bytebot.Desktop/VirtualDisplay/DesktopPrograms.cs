using Bytebot.Desktop.Features.Apps;

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// The programs a desktop command needs, and the Debian package of each: a host without Xvfb used to restart it every
/// 5 s logging only "exit code 127"; now the log (once) and readiness name the package and build/setup.
/// </summary>
internal static class DesktopPrograms
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["Xvfb"] = "xvfb",
        ["x11vnc"] = "x11vnc",
        ["xfce4-session"] = "xfce4",
        ["xfwm4"] = "xfwm4",
        ["dbus-run-session"] = "dbus",
        ["setsid"] = "util-linux",
    };

    /// <summary>Why <paramref name="command"/> cannot start, or null when its programs are installed.</summary>
    public static string? Missing(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var programs = new List<string> { "setsid" };
        if (command.Count > 0)
            programs.Add(command[0]);
        // dbus-run-session [options] -- program …
        var separator = command.ToList().IndexOf("--");
        if (command.Count > 0 && command[0] == "dbus-run-session" && separator >= 0 && separator + 1 < command.Count)
            programs.Add(command[separator + 1]);
        return programs.FirstOrDefault(program => !InstalledPrograms.Has(program)) is { } missing
            ? $"{missing} is not installed ({(Packages.TryGetValue(missing, out var package) ? $"Debian package {package}" : "no such program on PATH")}): run build/setup."
            : null;
    }
}
