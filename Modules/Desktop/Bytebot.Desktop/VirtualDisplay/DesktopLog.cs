using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.VirtualDisplay;

internal static partial class DesktopLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Name} (pid {Pid}): {Command}")]
    public static partial void ChildStarted(ILogger logger, string name, int pid, string command);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Name}: {Line}")]
    public static partial void ChildOutput(ILogger logger, string name, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {Pid}) exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void ChildExited(ILogger logger, string name, int pid, int? exitCode, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} (pid {Pid}): {Processes} ignored SIGTERM for 3 s; sending SIGKILL")]
    public static partial void ChildKilled(ILogger logger, string name, int pid, string processes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start {Name}; retrying in {Delay}")]
    public static partial void ChildFailedToStart(ILogger logger, Exception exception, string name, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Desktop {Display} ({Width}x{Height}, {Mode}) is up; VNC on 127.0.0.1:{VncPort}")]
    public static partial void DisplayReady(ILogger logger, string display, int width, int height, DesktopMode mode, int vncPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Xvfb {Display} did not accept connections: {Reason}")]
    public static partial void DisplayNotReady(ILogger logger, string display, string reason);
}
