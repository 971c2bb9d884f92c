using System.Runtime.InteropServices;

namespace Bytebot.Desktop.X11;

internal static unsafe partial class LibC
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const int IpcPrivate = 0;
    public const int IpcCreat = 0x200;
    public const int IpcRmid = 0;
    public const short PollIn = 1;
    public const int EfdNonBlock = 0x800;
    public const int EfdCloExec = 0x80000;

    // The same number on every architecture: syscalls added since 5.1 share one table.
    private const long PidfdOpenSyscall = 434;

    /// <remarks>A negative pid signals the whole process group, which <see cref="System.Diagnostics.Process"/> cannot do.</remarks>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int pid, uint flags);

    /// <summary>
    /// A descriptor that names the process itself, not its pid: it becomes readable when that process exits, even if
    /// it is not our child, and never refers to a later process that reuses the pid. -1 when the kernel has none.
    /// </summary>
    public static int PidfdOpen(int pid) => (int)Syscall(PidfdOpenSyscall, pid, 0);

    [LibraryImport("libc", EntryPoint = "shmget", SetLastError = true)]
    public static partial int ShmGet(int key, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "shmat", SetLastError = true)]
    public static partial byte* ShmAt(int id, void* address, int flags);

    [LibraryImport("libc", EntryPoint = "shmdt")]
    public static partial int ShmDt(void* address);

    [LibraryImport("libc", EntryPoint = "shmctl")]
    public static partial int ShmCtl(int id, int command, void* buffer);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write")]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "poll")]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
