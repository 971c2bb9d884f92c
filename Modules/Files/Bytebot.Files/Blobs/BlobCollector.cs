using Bytebot.Files.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Files.Blobs;

/// <summary>
/// Deletes blobs last stored more than <c>Files:BlobRetention</c> ago that no module references (each module that
/// holds blob hashes answers through <see cref="IBlobReferences"/>); the retention covers the gap between storing a
/// blob and appending the event that names it. Temp files of uploads cut off by a crash go
/// at start (no upload of this process is in flight then).
/// </summary>
internal sealed partial class BlobCollector(
    DataDirectoryBlobStore store, IEnumerable<IBlobReferences> references, FilesOptions options, TimeProvider clock, ILogger<BlobCollector> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var temp in Directory.EnumerateFiles(store.Temp))
            File.Delete(temp);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.BlobCollectionInterval;
            try
            {
                var deleted = await CollectAsync(stoppingToken);
                if (deleted > 0)
                    LogCollected(logger, deleted);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                // Typically the database is still starting; an hour is too long to wait for that.
                LogFailed(logger, e);
                wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds));
            }
            await Task.Delay(wait, clock, stoppingToken);
        }
    }

    /// <summary>One pass; returns how many blobs were deleted.</summary>
    public async Task<int> CollectAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.BlobRetention;
        var candidates = store.List().Where(b => b.StoredAt < cutoff).Select(b => b.Sha256).Take(BatchSize).ToArray();
        if (candidates.Length == 0)
            return 0;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in references)
            referenced.UnionWith(await module.ReferencedAsync(candidates, cancellationToken));
        return candidates.Count(sha256 => !referenced.Contains(sha256) && store.DeleteIfOlder(sha256, cutoff));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected {Count} unreferenced blobs")]
    private static partial void LogCollected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob collection failed; retrying shortly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
