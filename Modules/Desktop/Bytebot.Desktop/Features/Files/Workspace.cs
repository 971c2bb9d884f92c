using Bytebot.Desktop.Contracts;
using Bytebot.Platform.Files;
using Bytebot.Platform.Os;

namespace Bytebot.Desktop.Features.Files;

/// <summary>
/// The read_file/write_file view of Platform's <see cref="ConfinedWorkspace"/> (the confinement the files API uses):
/// a relative path lies under <c>{root}/Desktop</c>, an absolute one must lie inside the root. Every open is resolved
/// by the kernel beneath a descriptor of the root (<c>openat2</c> RESOLVE_BENEATH), so a symlink swapped into any
/// component after a check still cannot lead out. Only regular files are read (opened O_NONBLOCK, so a FIFO never
/// blocks) or replaced. A refusal is a <see cref="ComputerActionRejectedException"/> naming <c>path</c>.
/// </summary>
internal sealed class Workspace(ConfinedWorkspace workspace)
{
    private const string Field = "path";
    private const string DesktopFolder = "Desktop";

    public string Root => workspace.Root;

    /// <summary>Opens an existing regular file for reading and names it (through a symlink: the target's name); null when it does not exist.</summary>
    public FileStream? OpenForRead(string path, out string name)
    {
        name = "";
        var relative = Relative(path);
        try
        {
            var stream = workspace.OpenRead(relative, Field);
            name = WorkspacePath.Split(workspace.RelativeOf(stream.SafeFileHandle, Field)).Name;
            return stream;
        }
        catch (WorkspaceRefusedException refused) when (refused.IsMissing)
        {
            return null;
        }
        catch (WorkspaceRefusedException refused)
        {
            throw Rejected(refused.Message);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> atomically (a temp file and a rename in the target's directory), creating
    /// missing directories; a symlink at the path is written through when its target stays inside. Returns the path written.
    /// </summary>
    public async Task<string> WriteAsync(string path, byte[] data, CancellationToken cancellationToken)
    {
        var relative = Relative(path);
        try
        {
            workspace.EnsureDirectory(WorkspacePath.Split(relative).Parent, Field);
            if (workspace.TypeAt(relative) == LinuxFiles.FileType.Symlink)
                relative = ThroughSymlink(relative);
            var type = workspace.TypeAt(relative);
            if (type is not (LinuxFiles.FileType.Missing or LinuxFiles.FileType.Regular))
                throw ConfinedWorkspace.NotRegular(Field, type);
            var (directory, name) = WorkspacePath.Split(relative);
            using var content = new MemoryStream(data, writable: false);
            await workspace.WriteAsync(directory, name, content, overwrite: true, Field, cancellationToken);
            return Path.Join(Root, relative);
        }
        catch (WorkspaceRefusedException refused) when (refused.IsMissing)
        {
            // A component is a file, or was removed meanwhile: a failed write, as a file system error is.
            throw new DirectoryNotFoundException(refused.Message);
        }
        catch (WorkspaceRefusedException refused)
        {
            throw Rejected(refused.Message);
        }
    }

    private string ThroughSymlink(string relative)
    {
        try
        {
            return workspace.Resolve(relative, Field);
        }
        catch (WorkspaceRefusedException refused) when (refused.IsMissing)
        {
            throw Rejected("Is a dangling symlink.");
        }
    }

    /// <summary>The path relative to the root after the lexical checks of <see cref="WorkspacePath"/>; a relative one is under Desktop.</summary>
    private string Relative(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw Rejected("Must not be empty.");
        try
        {
            return workspace.Relative(path, Field, relativeTo: DesktopFolder);
        }
        catch (WorkspaceRefusedException refused)
        {
            throw Rejected(refused.Message);
        }
    }

    private static ComputerActionRejectedException Rejected(string problem) => new(Field, problem);
}
