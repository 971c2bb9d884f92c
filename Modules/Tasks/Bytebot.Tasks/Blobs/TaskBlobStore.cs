using System.Security.Cryptography;
using Bytebot.Platform;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Blobs;

/// <summary>Where task files and screenshots are kept; the Files module's blob store (issue 7) replaces this.</summary>
internal interface ITaskBlobStore
{
    Task<BlobReference> PutAsync(ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken cancellationToken);

    Stream? OpenRead(string sha256);
}

/// <summary>Content-addressed files under <c>{DataDir}/blobs/sha256/ab/abcdef…</c>, written atomically.</summary>
internal sealed class DataDirectoryBlobStore(DataDirectory dataDirectory) : ITaskBlobStore
{
    public async Task<BlobReference> PutAsync(ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(bytes, cancellationToken);
                // The reference is committed to the log right after; the bytes must not be lost in a crash.
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        return new BlobReference(sha256, bytes.Length, mediaType);
    }

    public Stream? OpenRead(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            return null;
        var path = PathOf(sha256.ToLowerInvariant());
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    private string PathOf(string sha256) => dataDirectory.Combine("blobs", "sha256", sha256[..2], sha256);
}

internal static class IncomingContent
{
    /// <summary>Replaces base64 image and document blocks (also inside tool results) by stored blob references.</summary>
    public static async Task<IReadOnlyList<MessageContent>> StoreBlobsAsync(
        ITaskBlobStore blobs, IReadOnlyList<MessageContent> content, CancellationToken cancellationToken)
    {
        var stored = new List<MessageContent>(content.Count);
        foreach (var block in content)
        {
            stored.Add(block switch
            {
                ImageContent { Source.Data: { } data } image => image with { Source = await StoreAsync(blobs, image.Source, data, cancellationToken) },
                DocumentContent { Source.Data: { } data } document => document with { Source = await StoreAsync(blobs, document.Source, data, cancellationToken) },
                ToolResultContent result => result with { Content = await StoreBlobsAsync(blobs, result.Content, cancellationToken) },
                UserActionContent action => action with { Content = await StoreBlobsAsync(blobs, action.Content, cancellationToken) },
                _ => block,
            });
        }
        return stored;
    }

    private static async Task<MediaSource> StoreAsync(ITaskBlobStore blobs, MediaSource source, string data, CancellationToken cancellationToken) =>
        MediaSource.FromBlob(await blobs.PutAsync(Convert.FromBase64String(data), source.MediaType, cancellationToken));
}
