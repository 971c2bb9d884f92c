using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.X11;

internal static partial class XLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to X display {Display} ({Width}x{Height}, MIT-SHM {Shm})")]
    public static partial void Connected(ILogger logger, string display, int width, int height, bool shm);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the X connection to {Display}; the next call reconnects")]
    public static partial void ConnectionLost(ILogger logger, string display);

    [LoggerMessage(Level = LogLevel.Debug, Message = "X display {Display} not reachable yet; retrying in {Delay}")]
    public static partial void ConnectRetry(ILogger logger, string display, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} X protocol error(s) ignored, last: {Last}")]
    public static partial void ProtocolErrors(ILogger logger, int count, string last);

    [LoggerMessage(Level = LogLevel.Error, Message = "X session teardown failed")]
    public static partial void TeardownFailed(ILogger logger, Exception exception);
}
