using System.Runtime.InteropServices;

namespace Bytebot.Platform.Os;

/// <summary>
/// The file system calls that confinement needs and .NET does not expose: <c>openat2</c> with RESOLVE_BENEATH,
/// <c>*at</c> calls relative to a directory descriptor, <c>statx</c> without following symlinks, <c>realpath</c>.
/// </summary>
public static partial class LinuxFiles
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtEmptyPath = 0x1000;
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONoCtty = 0x100;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int OPath = 0x200000;
    public const uint RenameNoReplace = 1;

    public const int ENoEnt = 2;
    public const int EAgain = 11;
    public const int EAccess = 13;
    public const int EExist = 17;
    public const int EXDev = 18;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int ENameTooLong = 36;
    public const int ENoSys = 38;
    public const int ENotEmpty = 39;
    public const int ELoop = 40;
    public const int ENxIo = 6;
    public const int EPerm = 1;
    public const int EBusy = 16;

    private const long OpenAt2Syscall = 437;
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveBeneath = 0x08;
    private const uint StatxType = 0x1;
    private const uint StatxMtime = 0x40;
    private const uint StatxSize = 0x200;

    private static bool Arm => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    /// <summary>O_NOFOLLOW differs between architectures (asm-generic vs x86).</summary>
    public static int ONoFollow => Arm ? 0x8000 : 0x20000;

    /// <summary>O_DIRECTORY differs between architectures (asm-generic vs x86).</summary>
    public static int ODirectory => Arm ? 0x4000 : 0x10000;

    /// <summary>The file type bits of <c>st_mode</c>.</summary>
    public enum FileType
    {
        Missing = 0,
        Fifo = 0x1000,
        CharacterDevice = 0x2000,
        Directory = 0x4000,
        BlockDevice = 0x6000,
        Regular = 0x8000,
        Symlink = 0xA000,
        Socket = 0xC000,
    }

    /// <summary>What <c>statx</c> says about one entry.</summary>
    public readonly record struct Status(FileType Type, long Size, DateTimeOffset Modified);

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int directory, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial long Syscall(long number, int directory, string path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt(int fromDirectory, string from, int toDirectory, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MakeDirectoryAt(int directory, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>errno of the last failed call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>
    /// <c>openat2(directory, path, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)</c>: the kernel refuses (EXDEV) any
    /// resolution that leaves <paramref name="directory"/> through <c>..</c>, an absolute path or a symlink, checked
    /// during the walk itself, so a symlink swapped in after any earlier check cannot lead outside.
    /// Returns the descriptor, or -errno.
    /// </summary>
    public static unsafe int OpenBeneath(int directory, string path, int flags, uint mode = 0)
    {
        var how = new OpenHow
        {
            Flags = (ulong)flags,
            Mode = (flags & OCreat) != 0 ? mode : 0,
            Resolve = ResolveBeneath | ResolveNoMagicLinks,
        };
        for (var attempt = 0; ; attempt++)
        {
            var result = Syscall(OpenAt2Syscall, directory, path, &how, (nuint)sizeof(OpenHow));
            if (result >= 0)
                return (int)result;
            // EAGAIN: a concurrent rename raced the walk; the kernel asks for a retry rather than guessing.
            if (LastError != EAgain || attempt == 16)
                return -LastError;
        }
    }

    /// <summary>The canonical path with every symlink resolved, or null when a component does not exist.</summary>
    public static string? ResolveRealPath(string path)
    {
        var resolved = RealPath(path, 0);
        if (resolved == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>The type of <paramref name="path"/> itself (a symlink is reported, not followed); Missing when it does not exist.</summary>
    public static FileType TypeOf(string path) => StatusOf(AtFdCwd, path, AtSymlinkNoFollow).Type;

    /// <summary>The type of an open descriptor.</summary>
    public static FileType TypeOf(int descriptor) => StatusOf(descriptor, "", AtEmptyPath).Type;

    // statx, unlike stat, has one struct layout on every architecture: stx_mode is the u16 at offset 28 of 256
    // bytes, stx_size the u64 at 40, stx_mtime {i64 sec, u32 nsec} at 112.
    /// <summary>Type, size and modification time of <paramref name="path"/> relative to <paramref name="directory"/>.</summary>
    public static unsafe Status StatusOf(int directory, string path, int flags)
    {
        var buffer = stackalloc byte[256];
        if (Statx(directory, path, flags, StatxType | StatxSize | StatxMtime, buffer) != 0)
            return default;
        var seconds = *(long*)(buffer + 112);
        var nanoseconds = *(uint*)(buffer + 120);
        return new Status(
            (FileType)(*(ushort*)(buffer + 28) & 0xF000),
            *(long*)(buffer + 40),
            DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100));
    }
}
