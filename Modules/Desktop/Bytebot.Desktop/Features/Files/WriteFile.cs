using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.Features.Files;

public static partial class WriteFileHandler
{
    public static Task<FileWritten> HandleAsync(WriteFile message, DesktopActions desktop, CancellationToken cancellationToken) =>
        desktop.Queue.RunAsync(message, async token =>
        {
            try
            {
                // A temp file in the target's directory and a rename: readers see the old file or the new one, never half of it.
                var written = await desktop.Workspace.WriteAsync(message.Path, message.Data, token);
                return new FileWritten(true, $"File written successfully to: {written}");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(desktop.Log, exception);
                return new FileWritten(false, $"Error writing file: {exception.Message}");
            }
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "write_file failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
