using System.Text;

namespace Bytebot.Platform.Files;

/// <summary>
/// The lexical half of confinement: turns what a client sent into a path relative to the workspace root, or
/// refuses it. The kernel does the other half (<c>openat2</c> with RESOLVE_BENEATH) when the path is used.
/// </summary>
public static partial class WorkspacePath
{
    public const int MaxPathBytes = 4096;
    public const int MaxNameBytes = 255;

    /// <summary>
    /// The path relative to the root ("" is the root), with "." and empty segments dropped. An absolute path must lie
    /// inside the root, <c>~</c> is the root, any other path is relative to <paramref name="relativeTo"/> (a folder of the root).
    /// </summary>
    public static string Relative(string? path, string field, string root, string realRoot, bool allowRoot, string relativeTo = "")
    {
        path ??= "";
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            throw WorkspaceRefusedException.Invalid(field, $"Longer than {MaxPathBytes} bytes.");
        if (path.Contains('\0', StringComparison.Ordinal))
            throw WorkspaceRefusedException.Invalid(field, "Must not contain NUL characters.");
        if (path.Any(char.IsControl))
            throw WorkspaceRefusedException.Invalid(field, "Must not contain control characters.");
        // U+FFFD is what a decoder leaves of bytes that were not UTF-8 (overlong forms, lone surrogates).
        if (path.Contains('\uFFFD', StringComparison.Ordinal))
            throw WorkspaceRefusedException.Invalid(field, "Must be valid UTF-8.");
        if (path.Contains('\\', StringComparison.Ordinal))
            throw WorkspaceRefusedException.Invalid(field, "Use '/' to separate directories; '\\' is refused.");
        if (HasTraversal(path))
            throw WorkspaceRefusedException.Invalid(field, "Must not contain '..' segments.");
        if (LooksEncoded(path))
            throw WorkspaceRefusedException.Invalid(field, "Looks like an encoded traversal; send the plain path.");

        var relative = path;
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            relative = path[1..];
        else if (path.StartsWith('/'))
            relative = Under(path, root) ?? Under(path, realRoot)
                ?? throw WorkspaceRefusedException.Outside(field, "Must lie inside the workspace root.");
        else if (relativeTo.Length > 0)
            relative = $"{relativeTo}/{path}";

        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Any(s => Encoding.UTF8.GetByteCount(s) > MaxNameBytes))
            throw WorkspaceRefusedException.Invalid(field, $"A name is longer than {MaxNameBytes} bytes.");
        if (segments.Length == 0 && !allowRoot)
            throw WorkspaceRefusedException.Outside(field, "The workspace root itself cannot be changed.");
        return string.Join('/', segments);
    }

    /// <summary>A plain file name for a new file: no directories, no control characters, not "." or "..".</summary>
    public static string Name(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.Contains('/', StringComparison.Ordinal)
            || name.Contains('\\', StringComparison.Ordinal) || name.Any(char.IsControl) || name.Contains('\uFFFD', StringComparison.Ordinal))
            throw WorkspaceRefusedException.Invalid(field, "A plain file name is required (no path, no control characters).");
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes || LooksEncoded(name) || HasTraversal(name))
            throw WorkspaceRefusedException.Invalid(field, $"Not a usable file name (at most {MaxNameBytes} bytes, no encoded traversal).");
        return name;
    }

    public static (string Parent, string Name) Split(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? ("", relative) : (relative[..slash], relative[(slash + 1)..]);
    }

    private static string? Under(string path, string root)
    {
        var prefix = root.TrimEnd('/');
        if (path == prefix)
            return "";
        return path.StartsWith(prefix + "/", StringComparison.Ordinal) ? path[(prefix.Length + 1)..] : null;
    }

    private static bool HasTraversal(string path) => path.Split('/').Any(segment => segment == "..");

    // Another layer may decode once more (a proxy, a shell, a desktop app): refuse what would then be a traversal.
    // Unicode look-alikes (one-dot leaders, fullwidth dots) become ".." under compatibility normalization.
    private static bool LooksEncoded(string path)
    {
        var decoded = path;
        for (var round = 0; round < 3 && decoded.Contains('%', StringComparison.Ordinal); round++)
        {
            var next = Uri.UnescapeDataString(decoded);
            if (next == decoded)
                break;
            decoded = next;
            if (HasTraversal(decoded.Replace('\\', '/')) || decoded.Contains('\0', StringComparison.Ordinal) || decoded.StartsWith('/'))
                return true;
        }
        // Escapes that survive decoding are overlong UTF-8 (%c0%ae) or %uXXXX: only a lenient decoder reads them.
        if (LeftoverEscape().IsMatch(decoded))
            return true;
        try
        {
            return HasTraversal(path.Normalize(NormalizationForm.FormKC).Replace('\\', '/'));
        }
        catch (ArgumentException)
        {
            // Lone surrogates: not a name any file system call should see.
            return true;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("%(u[0-9a-fA-F]{4}|[0-9a-fA-F]{2})")]
    private static partial System.Text.RegularExpressions.Regex LeftoverEscape();
}
