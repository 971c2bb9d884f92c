using System.Runtime.InteropServices;

namespace Bytebot.Desktop.Native;

internal static partial class LibC
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <remarks>A negative pid signals the whole process group, which <see cref="System.Diagnostics.Process"/> cannot do.</remarks>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
