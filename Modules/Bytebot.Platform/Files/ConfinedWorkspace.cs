using Bytebot.Platform.Os;
using Microsoft.Extensions.Configuration;
using Microsoft.Win32.SafeHandles;
using static Bytebot.Platform.Os.LinuxFiles;

namespace Bytebot.Platform.Files;

/// <summary>One entry of a workspace directory; <c>type</c> is file, dir, link or other (FIFO, socket, device).</summary>
public sealed record WorkspaceEntry(string Name, string Path, string Type, long? Size, DateTimeOffset Modified);

/// <summary>
/// Every file operation of the workspace API, confined to the root. Paths are checked lexically
/// (<see cref="WorkspacePath"/>), then resolved by the kernel with <c>openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)</c>
/// against a descriptor of the root: no <c>..</c>, absolute symlink or <c>/proc</c> magic link can lead out, even one
/// swapped in between two calls. Writes and renames then happen relative to the parent's descriptor (<c>openat</c>,
/// <c>renameat2</c>, <c>unlinkat</c>), which never follow a symlink in the last component. Only regular files are read.
/// The one confinement of the workspace: the files API (Files module) and the read_file/write_file actions (Desktop
/// module) both go through the singleton registered by <see cref="PlatformModule"/>.
/// </summary>
public sealed class ConfinedWorkspace(string root)
{
    public const string PartialSuffix = ".bytebot-partial";

    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const uint NewDirectoryMode = 0x1ed; // 0755

    /// <summary>The root as configured: <c>Desktop:WorkspaceRoot</c>, the user's home when unset.</summary>
    public string Root { get; } = root;

    /// <summary>The workspace of <c>Desktop:WorkspaceRoot</c> (the only place that key is read), the home when unset.</summary>
    public static ConfinedWorkspace FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(configuration["Desktop:WorkspaceRoot"] is { Length: > 0 } configured
            ? configured
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
    }

    /// <summary>See <see cref="WorkspacePath.Relative"/>: what a client sent, as a path relative to the root, or refused.</summary>
    public string Relative(string? path, string field, bool allowRoot = false, string relativeTo = "") =>
        WorkspacePath.Relative(path, field, Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root)), ResolveRealPath(Root) ?? Root, allowRoot, relativeTo);

    public IReadOnlyList<WorkspaceEntry> List(string relative, string field = "path")
    {
        using var root = OpenRoot();
        using var directory = Open(root, relative, ORdOnly | ODirectory | OCloExec, field);
        var fd = (int)directory.DangerousGetHandle();
        var entries = new List<WorkspaceEntry>();
        // The descriptor pins the directory that was resolved; /proc/self/fd/N names exactly it.
        foreach (var name in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(System.IO.Path.GetFileName))
        {
            if (name is null || name.EndsWith(PartialSuffix, StringComparison.Ordinal))
                continue;
            var status = StatusOf(fd, name, AtSymlinkNoFollow);
            if (status.Type == FileType.Missing)
                continue;
            entries.Add(Entry(relative, name, status));
        }
        return [.. entries.OrderBy(e => e.Type != "dir").ThenBy(e => e.Name, StringComparer.Ordinal)];
    }

    public WorkspaceEntry? Find(string relative)
    {
        var (parent, name) = WorkspacePath.Split(relative);
        var status = StatusAt(relative);
        return status.Type == FileType.Missing ? null : Entry(parent, name, status);
    }

    /// <summary>What the last component of <paramref name="relative"/> is (a symlink is reported, not followed); Missing when it or its directory does not exist.</summary>
    public FileType TypeAt(string relative) => StatusAt(relative).Type;

    /// <summary>
    /// The path, relative to the root, that <paramref name="relative"/> resolves to once every symlink is followed
    /// (beneath the root: a link leading out is refused with 403, a dangling one is 404).
    /// </summary>
    public string Resolve(string relative, string field = "path")
    {
        using var root = OpenRoot();
        using var handle = Open(root, relative, OPath | OCloExec, field);
        return RelativeOf(handle, field);
    }

    /// <summary>The path, relative to the root, of the file an open descriptor of this workspace names.</summary>
    public string RelativeOf(SafeFileHandle handle, string field = "path")
    {
        ArgumentNullException.ThrowIfNull(handle);
        var real = new FileInfo($"/proc/self/fd/{(int)handle.DangerousGetHandle()}").LinkTarget;
        return Beneath(real) ?? throw WorkspaceRefusedException.Outside(field, "The file is no longer inside the workspace.");
    }

    /// <summary>Creates <paramref name="relative"/> and every missing directory above it, each one beneath the root.</summary>
    public void EnsureDirectory(string relative, string field = "path")
    {
        using var root = OpenRoot();
        var done = "";
        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            using var parent = Open(root, done, OPath | ODirectory | OCloExec, field);
            if (MakeDirectoryAt((int)parent.DangerousGetHandle(), segment, NewDirectoryMode) != 0 && LastError is var errno && errno != EExist)
                throw Refused(errno, field, done.Length == 0 ? segment : $"{done}/{segment}");
            done = done.Length == 0 ? segment : $"{done}/{segment}";
        }
    }

    /// <summary>Opens a regular file for reading.</summary>
    public FileStream OpenRead(string relative, string field = "path")
    {
        using var root = OpenRoot();
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after by its type.
        var handle = Open(root, relative.Length == 0 ? "." : relative, ORdOnly | ONonBlock | ONoCtty | OCloExec, field);
        var type = TypeOf((int)handle.DangerousGetHandle());
        if (type != FileType.Regular)
        {
            handle.Dispose();
            throw NotRegular(field, type);
        }
        return new FileStream(handle, FileAccess.Read, 1 << 16);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="directory"/>/<paramref name="name"/> via a temp file and a rename.</summary>
    public async Task<WorkspaceEntry> WriteAsync(string directory, string name, Stream content, bool overwrite, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var root = OpenRoot();
        using var parent = Open(root, directory.Length == 0 ? "." : directory, OPath | ODirectory | OCloExec, "path");
        var dirFd = (int)parent.DangerousGetHandle();
        var existing = StatusOf(dirFd, name, AtSymlinkNoFollow).Type;
        if (existing == FileType.Directory)
            throw WorkspaceRefusedException.Conflict(field, $"{name} is a directory.");
        if (existing != FileType.Missing && !overwrite)
            throw WorkspaceRefusedException.Conflict(field, $"{name} exists; send overwrite=true to replace it.");
        var temp = $".{Guid.CreateVersion7():N}{PartialSuffix}";
        var fd = OpenAt(dirFd, temp, OWrOnly | OCreat | OExcl | ONoFollow | OCloExec, (uint)NewFileMode);
        if (fd < 0)
            throw Refused(LastError, "path", directory);
        try
        {
            await using (var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 1 << 16))
            {
                await content.CopyToAsync(file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            // renameat2 replaces the name itself: a symlink put there meanwhile is replaced, never followed.
            if (RenameAt(dirFd, temp, dirFd, name, overwrite ? 0 : RenameNoReplace) != 0)
                throw Refused(LastError, field, name);
            temp = "";
            SyncDirectory(dirFd);
            return Entry(directory, name, StatusOf(dirFd, name, AtSymlinkNoFollow));
        }
        finally
        {
            if (temp.Length > 0)
                _ = UnlinkAt(dirFd, temp, 0);
        }
    }

    public WorkspaceEntry CreateDirectory(string relative, string field = "path")
    {
        using var root = OpenRoot();
        var (parentPath, name) = WorkspacePath.Split(relative);
        using var parent = Open(root, parentPath.Length == 0 ? "." : parentPath, OPath | ODirectory | OCloExec, field);
        var dirFd = (int)parent.DangerousGetHandle();
        if (MakeDirectoryAt(dirFd, name, NewDirectoryMode) != 0)
            throw Refused(LastError, field, relative);
        return Entry(parentPath, name, StatusOf(dirFd, name, AtSymlinkNoFollow));
    }

    /// <summary>Deletes a file, a symlink (not its target) or an empty directory.</summary>
    public void Delete(string relative, string field = "path")
    {
        using var root = OpenRoot();
        var (parentPath, name) = WorkspacePath.Split(relative);
        using var parent = Open(root, parentPath.Length == 0 ? "." : parentPath, OPath | ODirectory | OCloExec, field);
        var dirFd = (int)parent.DangerousGetHandle();
        var type = Changeable(dirFd, name, field, relative);
        if (UnlinkAt(dirFd, name, type == FileType.Directory ? AtRemoveDir : 0) != 0)
            throw Refused(LastError, field, relative);
    }

    public WorkspaceEntry Move(string from, string to, bool overwrite)
    {
        using var root = OpenRoot();
        var (fromParent, fromName) = WorkspacePath.Split(from);
        var (toParent, toName) = WorkspacePath.Split(to);
        using var source = Open(root, fromParent.Length == 0 ? "." : fromParent, OPath | ODirectory | OCloExec, "path");
        using var target = Open(root, toParent.Length == 0 ? "." : toParent, OPath | ODirectory | OCloExec, "to");
        var sourceFd = (int)source.DangerousGetHandle();
        var targetFd = (int)target.DangerousGetHandle();
        Changeable(sourceFd, fromName, "path", from);
        if (RenameAt(sourceFd, fromName, targetFd, toName, overwrite ? 0 : RenameNoReplace) != 0)
            throw Refused(LastError, "to", to);
        return Entry(toParent, toName, StatusOf(targetFd, toName, AtSymlinkNoFollow));
    }

    private static FileType Changeable(int dirFd, string name, string field, string relative)
    {
        var type = StatusOf(dirFd, name, AtSymlinkNoFollow).Type;
        return type switch
        {
            FileType.Missing => throw WorkspaceRefusedException.Missing(field, $"{relative} does not exist."),
            FileType.Regular or FileType.Directory or FileType.Symlink => type,
            _ => throw NotRegular(field, type),
        };
    }

    private Status StatusAt(string relative)
    {
        if (relative.Length == 0)
            return default;
        using var root = OpenRoot();
        var (parent, name) = WorkspacePath.Split(relative);
        var fd = OpenInside(root, parent, OPath | ODirectory | OCloExec);
        if (fd < 0)
            return default;
        using var directory = new SafeFileHandle(fd, ownsHandle: true);
        return LinuxFiles.StatusOf(fd, name, AtSymlinkNoFollow);
    }

    private SafeFileHandle OpenRoot()
    {
        var fd = LinuxFiles.Open(Root, OPath | ODirectory | OCloExec, 0);
        if (fd < 0)
            throw new IOException($"The workspace root {Root} cannot be opened (errno {LastError}).");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private SafeFileHandle Open(SafeFileHandle root, string relative, int flags, string field)
    {
        var fd = OpenInside(root, relative, flags);
        if (fd < 0)
            throw Refused(-fd, field, relative);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// <c>openat2</c> beneath the root; the descriptor or -errno. RESOLVE_BENEATH refuses every absolute symlink, even
    /// one naming a place inside the root: for those the path is resolved in user space and what it names is opened,
    /// again beneath the root. A swap meanwhile can only change which file inside is opened, never lead out.
    /// </summary>
    private int OpenInside(SafeFileHandle root, string relative, int flags)
    {
        var rootFd = (int)root.DangerousGetHandle();
        var fd = OpenBeneath(rootFd, relative.Length == 0 ? "." : relative, flags);
        return fd == -EXDev && Beneath(ResolveRealPath(Path.Join(Root, relative))) is { } inside
            ? OpenBeneath(rootFd, inside.Length == 0 ? "." : inside, flags)
            : fd;
    }

    /// <summary>A real (symlink-free) absolute path relative to the real root; null when it lies outside.</summary>
    private string? Beneath(string? real)
    {
        if (real is null || ResolveRealPath(Root) is not { } realRoot)
            return null;
        var relative = Path.GetRelativePath(realRoot, real);
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            return null;
        return relative == "." ? "" : relative;
    }

    private static WorkspaceEntry Entry(string directory, string name, Status status) => new(
        name,
        directory.Length == 0 ? name : $"{directory}/{name}",
        status.Type switch
        {
            FileType.Regular => "file",
            FileType.Directory => "dir",
            FileType.Symlink => "link",
            _ => "other",
        },
        status.Type == FileType.Regular ? status.Size : null,
        status.Modified);

    private static void SyncDirectory(int pathFd)
    {
        var fd = OpenAt(pathFd, ".", ORdOnly | ODirectory | OCloExec, 0);
        if (fd < 0)
            return;
        _ = Fsync(fd);
        _ = Close(fd);
    }

    /// <summary>The refusal of a file that is not a regular one, saying what it is.</summary>
    public static WorkspaceRefusedException NotRegular(string field, FileType type) => WorkspaceRefusedException.Invalid(field, type switch
    {
        FileType.Directory => "Is a directory.",
        FileType.Fifo => "Is a FIFO, not a regular file.",
        FileType.CharacterDevice or FileType.BlockDevice => "Is a device, not a regular file.",
        FileType.Socket => "Is a socket, not a regular file.",
        _ => "Is not a regular file.",
    });

    private static WorkspaceRefusedException Refused(int errno, string field, string relative) => errno switch
    {
        ENoEnt or ENotDir => WorkspaceRefusedException.Missing(field, $"{Shown(relative)} does not exist."),
        EXDev => WorkspaceRefusedException.Outside(field, $"{Shown(relative)} resolves (through a symlink) to a place outside the workspace."),
        EAccess or EPerm => WorkspaceRefusedException.Outside(field, $"{Shown(relative)}: permission denied."),
        ELoop => WorkspaceRefusedException.Invalid(field, $"{Shown(relative)}: too many levels of symlinks."),
        ENameTooLong => WorkspaceRefusedException.Invalid(field, "A name or the path is too long."),
        ENxIo => WorkspaceRefusedException.Invalid(field, "Is a socket or device, not a regular file."),
        EIsDir => WorkspaceRefusedException.Invalid(field, $"{Shown(relative)} is a directory."),
        EExist or ENotEmpty or EBusy => WorkspaceRefusedException.Conflict(field, $"{Shown(relative)} exists or is not empty."),
        _ => WorkspaceRefusedException.Invalid(field, $"The file system refused {Shown(relative)} (errno {errno})."),
    };

    private static string Shown(string relative) => relative.Length is 0 or > 300 ? "The path" : relative;
}
