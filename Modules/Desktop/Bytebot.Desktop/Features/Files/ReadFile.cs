using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.Features.Files;

public static partial class ReadFileHandler
{
    // Bytebot's only limit was its 50 MB request body; base64 of more would not fit a response an agent can use either.
    public const long MaxBytes = 50L * 1024 * 1024;

    public static Task<FileContent> HandleAsync(ReadFile message, DesktopActions desktop, CancellationToken cancellationToken) =>
        desktop.Queue.RunAsync(message, async token =>
        {
            try
            {
                await using var stream = desktop.Workspace.OpenForRead(message.Path, out var name);
                if (stream is null)
                    return Failed($"Error reading file: {message.Path} does not exist.");
                var size = stream.Length;
                if (size > MaxBytes)
                    return Failed($"Error reading file: {size} bytes is more than the {MaxBytes} bytes limit.");
                var data = new byte[size];
                var read = await stream.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, token);
                return new FileContent(true, read == data.Length ? data : data[..read], name, read, MediaTypes.ForFileName(name), null);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogReadFailed(desktop.Log, exception);
                return Failed($"Error reading file: {exception.Message}");
            }
        }, cancellationToken);

    private static FileContent Failed(string message) => new(false, null, null, null, null, message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "read_file failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
