using System.Text.RegularExpressions;

namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// An accessible object: the application's bus name and the object's path. Its id, as callers see it, drops what every
/// id shares: <c>:1.12</c> + <c>/org/a11y/atspi/accessible/10</c> is <c>1.12/10</c>; a path elsewhere is kept whole
/// (<c>1.12/org/kde/…</c>).
/// </summary>
internal readonly partial record struct AccessibleRef(string Bus, string Path)
{
    public const string Prefix = "/org/a11y/atspi/accessible/";
    public const int MaxIdLength = 300;

    public string Id
    {
        get
        {
            var bus = Bus.StartsWith(':') ? Bus[1..] : Bus;
            return Path.StartsWith(Prefix, StringComparison.Ordinal) && Path.IndexOf('/', Prefix.Length) < 0
                ? $"{bus}/{Path[Prefix.Length..]}"
                : bus + Path;
        }
    }

    /// <summary>Null when <paramref name="id"/> is not one this desktop hands out.</summary>
    public static AccessibleRef? Parse(string? id)
    {
        if (id is null || id.Length > MaxIdLength || IdShape().Match(id) is not { Success: true } match)
            return null;
        var bus = match.Groups["bus"].Value;
        var rest = match.Groups["rest"].Value;
        // A unique name (1.12) is ":1.12" on the bus; a well-known one (WebKit's) is as it is.
        var busName = char.IsAsciiDigit(bus[0]) ? ":" + bus : bus;
        return new AccessibleRef(busName, rest.IndexOf('/', 1) < 0 ? Prefix + rest[1..] : rest);
    }

    // A unique name's digits or a dotted well-known name, then path elements; \z, as $ would allow a newline after.
    [GeneratedRegex(@"^(?<bus>[0-9]+\.[0-9]+|[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+)"
        + @"(?<rest>(/[A-Za-z0-9_]+)+)\z")]
    private static partial Regex IdShape();
}
