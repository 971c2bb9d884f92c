using System.Security.Cryptography;
using System.Text;
using Bytebot.Files.Contracts;
using Bytebot.Platform.Files;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.Logging;

namespace Bytebot.Files.TaskFiles;

/// <summary>
/// Writes a task's uploads into <c>{WorkspaceRoot}/Desktop</c> when its first run starts (never on a resume).
/// A name already taken by other bytes gets " (1)", " (2)"…; the same bytes under the name count as written, so a
/// first run cut off by a crash and run again does not duplicate them.
/// </summary>
internal sealed partial class WriteTaskInputs(
    ConfinedWorkspace workspace, IBlobStore blobs, BytebotDatabase database, TimeProvider clock, ILogger<WriteTaskInputs> logger) : ITaskPreparation
{
    public const string DesktopFolder = "Desktop";

    public async Task PrepareAsync(TaskPreparationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Resumed || context.Files.Count == 0)
            return;
        try
        {
            if (workspace.Find(DesktopFolder) is null)
                workspace.CreateDirectory(DesktopFolder);
            foreach (var file in context.Files)
            {
                if (await WriteAsync(file, cancellationToken) is { } path)
                    await RecordAsync(context.TaskId, path, file.Sha256, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or WorkspaceRefusedException or Npgsql.NpgsqlException)
        {
            LogFailed(logger, context.TaskId, e);
        }
    }

    private async Task<string?> WriteAsync(TaskInputFile file, CancellationToken cancellationToken)
    {
        var name = SafeName(file.Name);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 0; n < 100; n++)
        {
            var candidate = n == 0 ? name : $"{stem} ({n}){extension}";
            var path = $"{DesktopFolder}/{candidate}";
            if (workspace.Find(path) is { } existing)
            {
                if (existing.Type == "file" && existing.Size == file.Size && await HashAsync(path, cancellationToken) == file.Sha256)
                    return path;
                continue;
            }
            await using var content = blobs.OpenRead(file.Sha256);
            if (content is null)
            {
                LogMissingBlob(logger, file.Name, file.Sha256);
                return null;
            }
            try
            {
                return (await workspace.WriteAsync(DesktopFolder, candidate, content, overwrite: false, "name", cancellationToken)).Path;
            }
            catch (WorkspaceRefusedException refused) when (refused.Status == 409)
            {
                // Taken between the check and the rename: try the next name.
            }
        }
        return null;
    }

    /// <summary>The last path segment, without control characters, at most 255 bytes; "file" when nothing usable is left.</summary>
    public static string SafeName(string name)
    {
        var last = name.Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new string([.. last.Where(c => !char.IsControl(c))]).Trim();
        if (clean is "" or "." or "..")
            return "file";
        while (Encoding.UTF8.GetByteCount(clean) > WorkspacePath.MaxNameBytes)
            clean = clean[..^1];
        return clean;
    }

    private async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = workspace.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private async Task RecordAsync(Guid taskId, string path, string sha256, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "insert into task_inputs (task_id, path, sha256, written_at) values ($1, $2, $3, $4) on conflict do nothing");
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = path });
        command.Parameters.Add(new() { Value = sha256 });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the files of task {TaskId} into the workspace failed")]
    private static partial void LogFailed(ILogger logger, Guid taskId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob {Sha256} of task file {Name} is missing; the file is not written")]
    private static partial void LogMissingBlob(ILogger logger, string name, string sha256);
}
