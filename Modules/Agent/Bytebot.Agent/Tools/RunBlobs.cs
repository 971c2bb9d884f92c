using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>
/// The blobs of one run. What the run stores (its screenshots, the files it read) stays in memory for the model
/// context of the next steps instead of being written and read back; older blobs (after a resume) are read once.
/// </summary>
internal sealed class RunBlobs(IBlobStore store)
{
    // The context keeps the newest few images (Agent:KeepImages); 16 covers them with room for documents.
    private const int Kept = 16;
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _kept = new(StringComparer.Ordinal);

    public async Task<BlobReference> StoreAsync(ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken cancellationToken)
    {
        var stored = await store.PutAsync(bytes, mediaType, cancellationToken);
        Keep(stored.Sha256, bytes);
        return new BlobReference(stored.Sha256, stored.Size, stored.MediaType);
    }

    public async Task<ReadOnlyMemory<byte>> LoadAsync(BlobReference blob, CancellationToken cancellationToken)
    {
        if (_kept.TryGetValue(blob.Sha256, out var kept))
            return kept;
        await using var stream = store.OpenRead(blob.Sha256)
            ?? throw new FileNotFoundException($"Blob {blob.Sha256} is missing from the blob store.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        Keep(blob.Sha256, bytes);
        return bytes;
    }

    private void Keep(string sha256, ReadOnlyMemory<byte> bytes)
    {
        if (_kept.Count >= Kept)
            _kept.Clear();
        _kept[sha256] = bytes;
    }
}
