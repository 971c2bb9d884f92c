using Bytebot.Files.Contracts;
using Bytebot.Platform.Files;
using Bytebot.Platform.Http;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Files.Workspace;

internal sealed record UploadedFiles(IReadOnlyList<WorkspaceEntry> Entries);

/// <summary>
/// Multipart upload into a workspace directory. Every part streams into the blob store first (hashed, fsync'ed,
/// deduplicated, limited); only when all parts arrived whole are they copied into the directory, each through a
/// temp file and a rename. A request cut off midway (or a crash) leaves nothing in the workspace.
/// </summary>
internal static class UploadFiles
{
    public static Task<IResult> HandleAsync(string? path, bool? overwrite, HttpRequest request, ConfinedWorkspace workspace, IBlobStore blobs,
        UploadLimits limits, CancellationToken cancellationToken) => Refusals.GuardAsync(async () =>
    {
        var directory = workspace.Relative(path, "path", allowRoot: true);
        if (directory.Length > 0 && workspace.Find(directory) is not { Type: "dir" })
            return FileProblems.NotFound("path", $"{directory} is not a directory of the workspace.");
        if (!(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return FileProblems.Invalid("body", "Send the files as multipart/form-data.");
        MultipartParts.AllowBody(request.HttpContext, limits.MaxRequestBytes);
        var received = new List<(string Name, StoredBlob Blob)>();
        try
        {
            await foreach (var part in MultipartParts.ReadAsync(request, cancellationToken))
            {
                if (part.FileName is null)
                    continue;
                var field = $"files[{received.Count}]";
                if (received.Count == limits.MaxFiles)
                    return FileProblems.Invalid("files", $"At most {limits.MaxFiles} files.");
                var name = WorkspacePath.Name(part.FileName, field + ".name");
                received.Add((name, await blobs.PutAsync(part.Body, part.ContentType ?? "application/octet-stream", limits.MaxBytes, cancellationToken)));
            }
        }
        catch (BlobTooLargeException)
        {
            return FileProblems.TooLarge($"files[{received.Count}]", $"Larger than {limits.MaxBytes} bytes.");
        }
        catch (InvalidDataException e)
        {
            return FileProblems.Invalid("body", "Not valid multipart/form-data: " + e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return FileProblems.TooLarge("body", $"The body is larger than {limits.MaxRequestBytes} bytes.");
        }
        if (received.Count == 0)
            return FileProblems.Invalid("files", "No file part in the body.");
        var entries = new List<WorkspaceEntry>();
        for (var i = 0; i < received.Count; i++)
        {
            await using var content = blobs.OpenRead(received[i].Blob.Sha256) ?? throw new IOException("A blob vanished right after it was stored.");
            entries.Add(await workspace.WriteAsync(directory, received[i].Name, content, overwrite ?? false, $"files[{i}]", cancellationToken));
        }
        return TypedResults.Created($"/api/files?path={Uri.EscapeDataString(directory)}", new UploadedFiles(entries));
    });
}
