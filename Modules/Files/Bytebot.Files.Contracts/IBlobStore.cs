namespace Bytebot.Files.Contracts;

/// <summary>
/// Content-addressed bytes under the data dir: stored once per SHA-256, written to a temp file and renamed into
/// place after an fsync, so a blob is either complete or absent. Events hold only the <see cref="StoredBlob"/>.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores bytes; storing the same bytes again returns the same reference and writes nothing.</summary>
    Task<StoredBlob> PutAsync(ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken cancellationToken);

    /// <summary>
    /// Streams <paramref name="content"/> into the store while hashing it, without buffering it in memory.
    /// Throws <see cref="BlobTooLargeException"/> (and keeps nothing) past <paramref name="maxBytes"/>.
    /// </summary>
    Task<StoredBlob> PutAsync(Stream content, string mediaType, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The blob's reference (with the media type it was first stored with), or null when absent or not a SHA-256.</summary>
    StoredBlob? Find(string sha256);

    /// <summary>Opens a stored blob for reading, or null when absent or not a SHA-256.</summary>
    Stream? OpenRead(string sha256);
}

/// <summary>A stored blob: what events and rows hold instead of the bytes.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="MediaType">MIME type.</param>
public sealed record StoredBlob(string Sha256, long Size, string MediaType);

/// <summary>The content was longer than the limit the caller gave; nothing was stored.</summary>
public sealed class BlobTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlobTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BlobTooLargeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BlobTooLargeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>Upload limits (<c>Files:MaxUploadFiles</c>, <c>Files:MaxUploadBytes</c>), for every module that accepts uploads.</summary>
/// <param name="MaxFiles">Files per request (default 5, Bytebot's UI limit).</param>
/// <param name="MaxBytes">Bytes per file (default 30 MB, Bytebot's UI limit).</param>
public sealed record UploadLimits(int MaxFiles, long MaxBytes)
{
    /// <summary>The largest request body that can carry <see cref="MaxFiles"/> files of <see cref="MaxBytes"/> as base64 JSON.</summary>
    public long MaxRequestBytes => MaxFiles * (MaxBytes / 3 * 4 + 4) + 1024 * 1024;
}
