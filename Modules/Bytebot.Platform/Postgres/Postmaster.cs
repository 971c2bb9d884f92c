using System.Globalization;

using Bytebot.Platform.Os;

namespace Bytebot.Platform.Postgres;

/// <summary>The postmaster named by a cluster's <c>postmaster.pid</c>, if that process is alive.</summary>
internal sealed record Postmaster(int Pid, int Port)
{
    public static Postmaster? FindRunning(string clusterDirectory) =>
        ReadPidFile(clusterDirectory) is var (pid, port) && IsPostgresProcess(pid) ? new Postmaster(pid, port) : null;

    /// <summary>
    /// Deletes a pid file that names no live postgres (its owner was killed with SIGKILL, e.g. by
    /// <c>docker kill</c>); returns the pid it named. Left in place, postgres refuses to start whenever that pid is
    /// alive again as anything at all, which in a restarted container, where pids start again from 1, can be one of
    /// this host's own threads. Orphaned backends of the old postmaster still stop the start: postgres also checks
    /// whether processes are attached to the old shared memory segment.
    /// </summary>
    public static int? RemoveStalePidFile(string clusterDirectory)
    {
        if (ReadPidFile(clusterDirectory) is not var (pid, _) || IsPostgresProcess(pid))
            return null;
        File.Delete(PidFile(clusterDirectory));
        return pid;
    }

    private static string PidFile(string clusterDirectory) => Path.Combine(clusterDirectory, "postmaster.pid");

    private static (int Pid, int Port)? ReadPidFile(string clusterDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(PidFile(clusterDirectory));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        // Line 1 is the pid, line 4 the port (see PostgreSQL's pidfile.h).
        return lines.Length >= 4
            && int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)
            && int.TryParse(lines[3], CultureInfo.InvariantCulture, out var port)
                ? (pid, port)
                : null;
    }

    /// <summary>
    /// True while <paramref name="pid"/> is a live postgres process; a reused pid or a zombie (a container
    /// init that does not reap) does not count.
    /// </summary>
    public static bool IsPostgresProcess(int pid) =>
        LinuxProcess.Stat(pid) is { State: not 'Z', Command: "postgres" or "postmaster" };
}
