using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bytebot.Agent.Policy;

/// <summary>
/// The rules on unless <c>Agent:Policy:Defaults</c> is false (ADR 0051): typing or pasting a destructive shell line,
/// and writing a file outside the workspace's Desktop, ask first. The text typed is matched wherever it goes, since
/// which window has the focus is not known here; the patterns stay narrow so prose rarely meets them.
/// </summary>
internal static class BuiltInRules
{
    public const string DestructiveShell = "built-in: destructive shell line";
    public const string WriteOutsideDesktop = "built-in: write outside ~/Desktop";

    private const RegexOptions Options =
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline;

    // Where a command word starts: a line, after ; & | ( or a backtick, or inside $( ).
    private const string CommandStart = @"(?:^|[;&|(`]|\$\()\s*";

    public static readonly IReadOnlyList<(string Name, Regex Pattern)> ShellLines =
    [
        ("rm -r/-f", Pattern(@"\brm\s+(?:\S+\s+)*?(?:-\w*[rf]|--recursive|--force)\b")),
        ("mkfs", Pattern(@"\bmkfs(?:\.\w+)?\b")),
        ("dd", Pattern(@"\bdd\s+[^\n]*\b(?:if|of)=")),
        ("shutdown/reboot", Pattern(CommandStart + @"(?:sudo\s+)?(?:shutdown|reboot|poweroff|halt)\b")),
        ("chmod/chown -R", Pattern(@"\bch(?:mod|own|grp)\s+(?:\S+\s+)*?(?:-\w*R|--recursive)\b")),
        ("redirect to a disk", Pattern(@">\s*/dev/(?:sd|hd|vd|xvd|nvme|mmcblk)")),
        ("fork bomb", Pattern(@":\s*\(\s*\)\s*\{")),
        ("sudo/su", Pattern(CommandStart + @"(?:sudo|su|doas|pkexec)(?:\s|$)")),
        ("wipefs/shred", Pattern(@"\b(?:wipefs|shred)\s")),
        ("git history rewrite", Pattern(@"\bgit\s+(?:push\s[^\n]*(?:--force|\s-f\b)|reset\s+--hard|clean\s+-\w*f)")),
        ("find -delete", Pattern(@"\bfind\s[^\n]*\s-delete\b")),
        ("download piped to a shell", Pattern(@"\b(?:curl|wget)\s[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b")),
    ];

    private static readonly Regex DesktopPath = new(@"^(?:~|/home/[^/]+|/root)/Desktop(?:/|$)",
        RegexOptions.CultureInvariant, PolicyOptions.MatchTimeout);

    /// <summary>The built-in decision and reason for the call, or null when none applies.</summary>
    public static (PolicyDecision Decision, string Reason)? Decide(string tool, JsonObject? arguments)
    {
        switch (tool)
        {
            case "computer_type_text" or "computer_paste_text":
                if (Text(arguments, "text") is not { } text)
                    return null;
                foreach (var (name, pattern) in ShellLines)
                {
                    if (pattern.IsMatch(text))
                        return (PolicyDecision.Ask, $"{DestructiveShell} ({name})");
                }
                return null;
            case "computer_write_file":
                if (Text(arguments, "path") is not { } path)
                    return null;
                return OutsideDesktop(path) ? (PolicyDecision.Ask, $"{WriteOutsideDesktop} ({path})") : null;
            default:
                return null;
        }
    }

    /// <summary>Relative paths are under ~/Desktop (as read_file and write_file take them); none may climb.</summary>
    public static bool OutsideDesktop(string path)
    {
        var segments = path.Split('/', '\\');
        if (segments.Contains(".."))
            return true;
        return path.StartsWith('/') || path.StartsWith('~') ? !DesktopPath.IsMatch(path) : false;
    }

    private static string? Text(JsonObject? arguments, string name) =>
        arguments?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static Regex Pattern(string pattern) => new(pattern, Options, PolicyOptions.MatchTimeout);
}
