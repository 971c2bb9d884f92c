using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Platform.Messaging;
using Microsoft.Extensions.Logging;

namespace Bytebot.Desktop.Features.Files;

internal sealed partial class WriteFileHandler(Workspace workspace, ActionQueue queue, ILogger<WriteFileHandler> logger) : IHandler<WriteFile, FileWritten>
{
    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public Task<FileWritten> HandleAsync(WriteFile message, CancellationToken cancellationToken) =>
        queue.RunAsync(message, async token =>
        {
            string? temp = null;
            try
            {
                var target = workspace.PrepareWrite(message.Path);
                // A temp file in the same directory and a rename: readers see the old file or the new one, never half of it.
                temp = Path.Join(Path.GetDirectoryName(target), $".{Path.GetFileName(target)}.{Guid.CreateVersion7():N}.tmp");
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ReadableByAll };
                await using (var stream = new FileStream(temp, create))
                {
                    await stream.WriteAsync(message.Data, token);
                    stream.Flush(flushToDisk: true);
                }
                File.Move(temp, target, overwrite: true);
                return new FileWritten(true, $"File written successfully to: {target}");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(logger, exception);
                if (temp is not null)
                    File.Delete(temp);
                return new FileWritten(false, $"Error writing file: {exception.Message}");
            }
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "write_file failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
