using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Bytebot.Files.Contracts;
using Bytebot.Platform;

namespace Bytebot.Files.Blobs;

/// <summary>
/// <c>{DataDir}/blobs/sha256/ab/abcdef…</c> with the media type in a <c>.type</c> sidecar, temp files in
/// <c>blobs/tmp</c>. The commit (dedupe check, rename, mtime touch) and the collector's delete share one lock,
/// so a blob stored again while it is being collected is either kept or written anew, never lost.
/// </summary>
internal sealed class DataDirectoryBlobStore : IBlobStore
{
    public const string FallbackMediaType = "application/octet-stream";

    /// <summary>The stored blobs relative to the data dir (what a backup copies; <c>blobs/tmp</c> is not).</summary>
    public const string StoredBlobs = "blobs/sha256";

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;

    public DataDirectoryBlobStore(DataDirectory dataDirectory, TimeProvider clock)
    {
        _clock = clock;
        Root = dataDirectory.Combine(StoredBlobs.Split('/'));
        Temp = dataDirectory.Combine("blobs", "tmp");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Temp);
    }

    public string Root { get; }

    public string Temp { get; }

    public async Task<StoredBlob> PutAsync(ReadOnlyMemory<byte> bytes, string mediaType, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        if (Touch(sha256) is { } existing)
            return existing;
        var temp = NewTempPath();
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await file.WriteAsync(bytes, cancellationToken);
                // The reference is committed to the log right after; the bytes must not be lost in a crash.
                file.Flush(flushToDisk: true);
            }
            return Commit(temp, sha256, bytes.Length, mediaType);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<StoredBlob> PutAsync(Stream content, string mediaType, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = NewTempPath();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                        throw new BlobTooLargeException($"Larger than {maxBytes} bytes.");
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                file.Flush(flushToDisk: true);
            }
            return Commit(temp, Convert.ToHexStringLower(hash.GetHashAndReset()), size, mediaType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            File.Delete(temp);
        }
    }

    public StoredBlob? Find(string sha256)
    {
        if (!IsSha256(sha256))
            return null;
        var path = PathOf(sha256.ToLowerInvariant());
        var info = new FileInfo(path);
        if (!info.Exists)
            return null;
        var mediaType = File.Exists(path + ".type") ? File.ReadAllText(path + ".type") : FallbackMediaType;
        return new StoredBlob(sha256.ToLowerInvariant(), info.Length, mediaType);
    }

    public Stream? OpenRead(string sha256)
    {
        if (!IsSha256(sha256))
            return null;
        try
        {
            return new FileStream(PathOf(sha256.ToLowerInvariant()), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes the blob if it was last stored before <paramref name="cutoff"/>; false when it was stored again since.</summary>
    public bool DeleteIfOlder(string sha256, DateTimeOffset cutoff)
    {
        var path = PathOf(sha256);
        lock (_gate)
        {
            if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) >= cutoff.UtcDateTime)
                return false;
            File.Delete(path);
            File.Delete(path + ".type");
            return true;
        }
    }

    /// <summary>Every stored blob with the time it was last stored.</summary>
    public IEnumerable<(string Sha256, DateTimeOffset StoredAt)> List() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(path => (Sha256: Path.GetFileName(path), Path: path))
            .Where(blob => IsSha256(blob.Sha256))
            .Select(blob => (blob.Sha256, new DateTimeOffset(File.GetLastWriteTimeUtc(blob.Path))));

    public static bool IsSha256(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

    private StoredBlob? Touch(string sha256)
    {
        lock (_gate)
        {
            if (Find(sha256) is not { } existing)
                return null;
            File.SetLastWriteTimeUtc(PathOf(sha256), _clock.GetUtcNow().UtcDateTime);
            return existing;
        }
    }

    private StoredBlob Commit(string temp, string sha256, long size, string mediaType)
    {
        var path = PathOf(sha256);
        lock (_gate)
        {
            if (Touch(sha256) is { } existing)
                return existing;
            var directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            var type = Normalize(mediaType);
            // The sidecar lands first: a blob file without its media type would be served as octet-stream.
            var typeTemp = NewTempPath();
            using (var file = new FileStream(typeTemp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(type));
                file.Flush(flushToDisk: true);
            }
            File.Move(typeTemp, path + ".type", overwrite: true);
            File.Move(temp, path);
            File.SetLastWriteTimeUtc(path, _clock.GetUtcNow().UtcDateTime);
            SyncDirectory(directory);
            return new StoredBlob(sha256, size, type);
        }
    }

    private static string Normalize(string mediaType) =>
        MediaTypeHeaderValue.TryParse(mediaType, out var parsed) && parsed.MediaType is { Length: > 0 and <= 200 }
            ? parsed.ToString()
            : FallbackMediaType;

    // A rename is durable only once its directory is: without this a crash could lose a blob an event already names.
    private static void SyncDirectory(string directory)
    {
        var descriptor = Platform.Os.LinuxFiles.Open(directory, Platform.Os.LinuxFiles.ORdOnly | Platform.Os.LinuxFiles.OCloExec, 0);
        if (descriptor < 0)
            return;
        _ = Platform.Os.LinuxFiles.Fsync(descriptor);
        _ = Platform.Os.LinuxFiles.Close(descriptor);
    }

    private string NewTempPath() => Path.Join(Temp, $"{Guid.CreateVersion7():N}.part");

    private string PathOf(string sha256) => Path.Join(Root, sha256[..2], sha256);
}
