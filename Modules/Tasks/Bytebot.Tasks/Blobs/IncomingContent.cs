using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Blobs;

internal static class IncomingContent
{
    /// <summary>Replaces base64 image and document blocks (also inside tool results) by stored blob references.</summary>
    public static async Task<IReadOnlyList<MessageContent>> StoreBlobsAsync(
        IBlobStore blobs, IReadOnlyList<MessageContent> content, CancellationToken cancellationToken)
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

    /// <summary>The Files module's reference as the task contracts spell it.</summary>
    public static BlobReference ToReference(this StoredBlob blob) => new(blob.Sha256, blob.Size, blob.MediaType);

    private static async Task<MediaSource> StoreAsync(IBlobStore blobs, MediaSource source, string data, CancellationToken cancellationToken) =>
        MediaSource.FromBlob((await blobs.PutAsync(Convert.FromBase64String(data), source.MediaType, cancellationToken)).ToReference());
}
