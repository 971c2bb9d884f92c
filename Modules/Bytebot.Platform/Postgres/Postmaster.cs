using System.Globalization;

using Bytebot.Platform.Os;

namespace Bytebot.Platform.Postgres;

/// <summary>The postmaster named by a cluster's <c>postmaster.pid</c>, if that process is alive.</summary>
internal sealed record Postmaster(int Pid, int Port)
{
    public static Postmaster? FindRunning(string clusterDirectory)
    {
        var pidFile = Path.Combine(clusterDirectory, "postmaster.pid");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        // Line 1 is the pid, line 4 the port (see PostgreSQL's pidfile.h).
        if (lines.Length < 4
            || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3], CultureInfo.InvariantCulture, out var port))
            return null;
        return IsPostgresProcess(pid) ? new Postmaster(pid, port) : null;
    }

    /// <summary>
    /// True while <paramref name="pid"/> is a live postgres process; a reused pid or a zombie (a container
    /// init that does not reap) does not count.
    /// </summary>
    public static bool IsPostgresProcess(int pid) =>
        LinuxProcess.Stat(pid) is { State: not 'Z', Command: "postgres" or "postmaster" };
}
