using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

internal static partial class DesktopLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Name} (pid {Pid}): {Command}; output in {Log}")]
    public static partial void ChildStarted(ILogger logger, string name, int pid, string command, string log);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Name} (pid {Pid}) exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void ChildExited(ILogger logger, string name, int pid, int? exitCode, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Name} (pid {Pid}): {Processes} ignored SIGTERM for 3 s; sending SIGKILL")]
    public static partial void ChildKilled(ILogger logger, string name, int pid, string processes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start {Name}; retrying in {Delay}")]
    public static partial void ChildFailedToStart(ILogger logger, Exception exception, string name, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Desktop {Display} ({Width}x{Height}, {Mode}) is up; VNC on 127.0.0.1:{VncPort}")]
    public static partial void DisplayReady(
        ILogger logger, string display, int width, int height, DesktopMode mode, int vncPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Xvfb {Display} did not accept connections: {Reason}")]
    public static partial void DisplayNotReady(ILogger logger, string display, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Adopted desktop {Display} (VNC on 127.0.0.1:{VncPort}) left by host pid {HostPid}: {Processes}, "
            + "in {Milliseconds:0.0} ms")]
    public static partial void DesktopAdopted(
        ILogger logger, string display, int vncPort, int hostPid, string processes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Not adopting desktop {Display} a previous host left: {Reason}; stopping it")]
    public static partial void DesktopNotAdopted(ILogger logger, string display, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stopped {Count} processes of desktop {Display} a previous host of {DataDirectory} left")]
    public static partial void LeftProcessesStopped(ILogger logger, int count, string display, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Desktop {Display} belongs to host pid {HostPid}, which still runs on this data dir ({Record}); "
            + "leaving it alone")]
    public static partial void DesktopOfLiveHost(ILogger logger, string display, int hostPid, string record);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped {Count} apps left on {Display}")]
    public static partial void AppsStopped(ILogger logger, int count, string display);

    [LoggerMessage(Level = LogLevel.Error, Message = "The desktop's {Name} cannot start: {Problem}")]
    public static partial void ProgramMissing(ILogger logger, string name, string problem);
}
