using Microsoft.Extensions.Logging;

namespace Bytebot.Platform;

internal static partial class PlatformLog
{
    [LoggerMessage(LogLevel.Information, "Initialized a PostgreSQL cluster in {Directory}")]
    public static partial void ClusterInitialized(this ILogger logger, string directory);

    [LoggerMessage(LogLevel.Information, "Started the managed PostgreSQL cluster on 127.0.0.1:{Port}")]
    public static partial void ClusterStarted(this ILogger logger, int port);

    [LoggerMessage(LogLevel.Warning, "Starting PostgreSQL on port {Port} failed; trying another port")]
    public static partial void ClusterPortTaken(this ILogger logger, Exception exception, int port);

    [LoggerMessage(LogLevel.Warning, "Adopted the PostgreSQL cluster left running by an earlier host (pid {Pid}, port {Port})")]
    public static partial void ClusterAdopted(this ILogger logger, int pid, int port);

    [LoggerMessage(LogLevel.Warning, "Removed a stale postmaster.pid: pid {Pid} is not a running postgres")]
    public static partial void ClusterStalePidFileRemoved(this ILogger logger, int pid);

    [LoggerMessage(LogLevel.Information, "Stopped the managed PostgreSQL cluster")]
    public static partial void ClusterStopped(this ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Added the search permission (o+x) to {Directory} so the {User} user can reach the managed cluster")]
    public static partial void SearchPermissionAdded(this ILogger logger, string directory, string user);

    [LoggerMessage(LogLevel.Information, "Applied migration {Module} {Version} ({Name})")]
    public static partial void MigrationApplied(this ILogger logger, string module, int version, string name);

    [LoggerMessage(LogLevel.Information, "Backup written: {Events} events, {Files} files, a dump of {DumpBytes} bytes")]
    public static partial void BackupWritten(this ILogger logger, long events, int files, long dumpBytes);

    [LoggerMessage(LogLevel.Warning, "A backup could not copy {File}: it went away while the backup ran")]
    public static partial void BackupFileVanished(this ILogger logger, string file);
}
