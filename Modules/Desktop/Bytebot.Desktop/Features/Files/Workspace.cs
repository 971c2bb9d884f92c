using Bytebot.Desktop.Contracts;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Bytebot.Desktop.Features.Files;

/// <summary>
/// Confines file actions to <c>Desktop:WorkspaceRoot</c>. Paths are checked lexically first (no <c>..</c>, no NUL, no
/// encoded traversal), then again after the file system resolved every symlink, and files are opened with O_NOFOLLOW so
/// a link swapped in after the check is not followed. Anything but a regular file (device, FIFO, socket) is refused.
/// </summary>
internal sealed class Workspace(IOptions<ComputerUseOptions> options)
{
    private const string Field = "path";

    public string Root => options.Value.WorkspaceRoot;

    /// <summary>Opens an existing regular file for reading; null when it does not exist.</summary>
    public SafeFileHandle? OpenForRead(string path, out string realPath)
    {
        var full = Lexical(path, out var root);
        realPath = LinuxFiles.ResolveRealPath(full) ?? "";
        if (realPath.Length == 0)
            return null;
        Inside(realPath, root, "resolves (through a symlink) to a place outside the workspace.");
        RequireRegular(LinuxFiles.TypeOf(realPath), missingIsFine: false);
        var descriptor = LinuxFiles.Open(realPath, LinuxFiles.ORdOnly | LinuxFiles.ONoFollow | LinuxFiles.ONonBlock | LinuxFiles.OCloExec, 0);
        if (descriptor < 0)
            throw new IOException($"The file cannot be opened (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        // The descriptor is what is read: check it too, in case the path was swapped for a FIFO after the check.
        if (LinuxFiles.TypeOf(descriptor) != LinuxFiles.FileType.Regular)
        {
            handle.Dispose();
            throw Rejected("is not a regular file.");
        }
        return handle;
    }

    /// <summary>The real directory (created when missing) and the real target path a write goes to.</summary>
    public string PrepareWrite(string path)
    {
        var full = Lexical(path, out var root);
        var directory = Path.GetDirectoryName(full) ?? root;
        var existing = directory;
        while (LinuxFiles.ResolveRealPath(existing) is null)
            existing = Path.GetDirectoryName(existing) ?? "/";
        var realExisting = LinuxFiles.ResolveRealPath(existing)!;
        Inside(realExisting, root, "resolves (through a symlink) to a place outside the workspace.");
        var realDirectory = Path.Join(realExisting, Path.GetRelativePath(existing, directory));
        Directory.CreateDirectory(realDirectory);
        realDirectory = LinuxFiles.ResolveRealPath(realDirectory) ?? throw new IOException("The directory vanished while it was created.");
        Inside(realDirectory, root, "resolves (through a symlink) to a place outside the workspace.");

        var target = Path.Join(realDirectory, Path.GetFileName(full));
        var type = LinuxFiles.TypeOf(target);
        if (type == LinuxFiles.FileType.Symlink)
        {
            target = LinuxFiles.ResolveRealPath(target) ?? throw Rejected("is a dangling symlink.");
            Inside(target, root, "resolves (through a symlink) to a place outside the workspace.");
            type = LinuxFiles.TypeOf(target);
        }
        RequireRegular(type, missingIsFine: true);
        return target;
    }

    private string Lexical(string path, out string root)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw Rejected("must not be empty.");
        if (path.Contains('\0', StringComparison.Ordinal))
            throw Rejected("must not contain NUL characters.");
        if (HasTraversal(path))
            throw Rejected("must not contain '..' segments.");
        if (path.Contains('%', StringComparison.Ordinal) && Uri.UnescapeDataString(path) is var decoded && decoded != path
            && (HasTraversal(decoded) || decoded.Contains('\0', StringComparison.Ordinal) || decoded.StartsWith('/')))
            throw Rejected("looks like a percent-encoded traversal; send the plain path.");

        root = LinuxFiles.ResolveRealPath(Root) ?? throw new IOException("The workspace root does not exist.");
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Join(Root, "Desktop", path));
        var lexicalRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root));
        if (!IsInside(full, lexicalRoot) && !IsInside(full, root))
            throw Rejected($"must lie inside the workspace root {lexicalRoot}.");
        // Re-anchor on the real root so the later symlink checks compare like with like.
        return IsInside(full, root) ? full : Path.Join(root, Path.GetRelativePath(lexicalRoot, full));
    }

    private static bool HasTraversal(string path) =>
        path.Split('/', '\\').Any(segment => segment == "..");

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    private static void Inside(string realPath, string root, string problem)
    {
        if (!IsInside(realPath, root))
            throw Rejected(problem);
    }

    private static void RequireRegular(LinuxFiles.FileType type, bool missingIsFine)
    {
        if (type == LinuxFiles.FileType.Regular || (missingIsFine && type == LinuxFiles.FileType.Missing))
            return;
        throw Rejected(type switch
        {
            LinuxFiles.FileType.Directory => "is a directory.",
            LinuxFiles.FileType.Fifo => "is a FIFO, not a regular file.",
            LinuxFiles.FileType.CharacterDevice or LinuxFiles.FileType.BlockDevice => "is a device, not a regular file.",
            LinuxFiles.FileType.Socket => "is a socket, not a regular file.",
            _ => "is not a regular file.",
        });
    }

    private static ComputerActionRejectedException Rejected(string problem) => new(Field, problem);
}
