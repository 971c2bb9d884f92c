using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Native;

internal static partial class LibC
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxType = 0x1;
    public const int ORdOnly = 0;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    /// <summary>O_NOFOLLOW differs between architectures (asm-generic vs x86).</summary>
    public static int ONoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

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

    /// <remarks>A negative pid signals the whole process group, which <see cref="System.Diagnostics.Process"/> cannot do.</remarks>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

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
    public static FileType TypeOf(string path) => TypeOf(AtFdCwd, path, AtSymlinkNoFollow);

    /// <summary>The type of an open descriptor.</summary>
    public static FileType TypeOf(int descriptor) => TypeOf(descriptor, "", AtEmptyPath);

    // statx, unlike stat, has one struct layout on every architecture: stx_mode is the u16 at offset 28 of 256 bytes.
    private static unsafe FileType TypeOf(int directory, string path, int flags)
    {
        var buffer = stackalloc byte[256];
        if (Statx(directory, path, flags, StatxType, buffer) != 0)
            return FileType.Missing;
        return (FileType)(*(ushort*)(buffer + 28) & 0xF000);
    }
}
