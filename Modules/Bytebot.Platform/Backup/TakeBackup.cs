using System.Formats.Tar;
using System.Text.Json;
using Bytebot.Platform.Postgres;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Platform.Backup;

/// <summary>
/// <c>GET /api/admin/backup</c>: the database dump, then the registered directories, then the manifest, streamed as
/// one tar while the host keeps working. Files are copied after the dump is taken: blobs are written and flushed before
/// the event naming them is appended, so every blob the dump refers to is on disk by then.
/// </summary>
internal static class TakeBackup
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task HandleAsync(HttpContext context, BytebotDatabase database, DataDirectory dataDirectory,
        IEnumerable<BackupDirectory> directories, TimeProvider clock, ILogger<BackupDirectory> logger,
        CancellationToken cancellationToken)
    {
        var staging = Directory.CreateDirectory(
            dataDirectory.Combine("backup-staging"), OwnerOnly | UnixFileMode.UserExecute);
        var dump = Path.Combine(staging.FullName, $"{Guid.CreateVersion7():N}.dump");
        try
        {
            var taken = await DatabaseDump.WriteAsync(database, dump, cancellationToken);
            var createdAt = clock.GetUtcNow();
            var backedUp = directories.DistinctBy(d => d.Path).ToList();
            context.Response.ContentType = "application/x-tar";
            context.Response.Headers.ContentDisposition =
                $"attachment; filename=\"bytebot-backup-{createdAt:yyyyMMdd'T'HHmmss'Z'}.tar\"";
            await using var tar = new TarWriter(context.Response.Body, TarEntryFormat.Pax, leaveOpen: true);
            var (dumpSize, dumpSha256) = await AddAsync(tar, dump, BackupArchive.DatabaseEntry, cancellationToken)
                ?? throw new InvalidOperationException("pg_dump wrote no file.");
            var files = new List<BackupFile>();
            var counts = new Dictionary<string, long> { ["events"] = taken.Events, ["streams"] = taken.Streams };
            foreach (var directory in backedUp)
            {
                var root = dataDirectory.Combine(directory.Path.Split('/'));
                var before = files.Count;
                IEnumerable<string> present = Directory.Exists(root)
                    ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                    : [];
                foreach (var file in present)
                {
                    var relative = Path.GetRelativePath(dataDirectory.Path, file).Replace('\\', '/');
                    var added = await AddAsync(tar, file, BackupArchive.FilesPrefix + relative, cancellationToken);
                    if (added is var (size, sha256))
                        files.Add(new BackupFile(relative, size, sha256));
                    else
                        logger.BackupFileVanished(relative);
                }
                counts[directory.Path] = files.Count - before;
            }
            var manifest = new BackupManifest(BackupManifest.FormatName, BackupManifest.CurrentVersion, createdAt,
                new BackupDatabase(BackupArchive.DatabaseEntry, dumpSize, dumpSha256, taken.ServerVersion),
                backedUp, files, counts);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, BackupArchive.ManifestEntry)
            {
                Mode = OwnerOnly,
                DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BackupArchive.Json)),
            }, cancellationToken);
            logger.BackupWritten(taken.Events, files.Count, dumpSize);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    /// <summary>Adds one file; null when it is gone (the blob collector deleted an unreferenced blob).</summary>
    private static async Task<(long Size, string Sha256)?> AddAsync(
        TarWriter tar, string path, string entryName, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, true);
            // TarWriter reads the data stream itself, knowing its length up front, so hashing is a first read and the
            // entry a second; both see the same bytes because blobs and key files are never rewritten in place.
            var hashed = await BackupArchive.CopyAsync(file, null, cancellationToken);
            file.Position = 0;
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, entryName)
            {
                Mode = OwnerOnly,
                ModificationTime = File.GetLastWriteTimeUtc(path),
                DataStream = file,
            }, cancellationToken);
            return hashed;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
