using System.Buffers;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;

namespace Bytebot.Platform.Backup;

/// <summary>Why a restore or a check refused an archive or a data dir; nothing was left behind.</summary>
public sealed class BackupRefusedException(string message, BackupRefusal reason) : Exception(message)
{
    public BackupRefusal Reason { get; } = reason;
}

public enum BackupRefusal
{
    ArchiveMissing,
    ArchiveDamaged,
    DataDirectoryNotEmpty,
}

/// <summary>
/// The archive is a tar: <c>database.dump</c>, then <c>files/…</c> (paths relative to the data dir), then
/// <c>manifest.json</c>. The manifest comes last because its checksums are known only once everything is written,
/// and a download cut off anywhere lacks it.
/// </summary>
public static class BackupArchive
{
    public const string DatabaseEntry = "database.dump";
    public const string ManifestEntry = "manifest.json";
    public const string FilesPrefix = "files/";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    /// <summary>
    /// Reads the whole archive, checking every entry against the manifest; with a <paramref name="destination"/> also
    /// writes the entries there (<c>database.dump</c>, <c>files/…</c>). Returns the manifest once all checks pass.
    /// </summary>
    public static async Task<BackupManifest> ReadAsync(
        string archivePath, string? destination, CancellationToken cancellationToken)
    {
        if (!File.Exists(archivePath))
            throw new BackupRefusedException($"There is no archive at {archivePath}.", BackupRefusal.ArchiveMissing);
        try
        {
            await using var file = new FileStream(
                archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var tar = new TarReader(file);
            var read = new Dictionary<string, (long Size, string Sha256)>(StringComparer.Ordinal);
            BackupManifest? manifest = null;
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (manifest is not null)
                    throw Damaged($"'{entry.Name}' follows the manifest.");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || entry.DataStream is null)
                    throw Damaged($"'{entry.Name}' is not a regular file.");
                if (entry.Name == ManifestEntry)
                {
                    manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(
                        entry.DataStream, Json, cancellationToken);
                    continue;
                }
                var relative = RelativePathOf(entry.Name);
                var target = destination is null ? null : Path.Combine(destination, relative);
                read.Add(entry.Name, await CopyAsync(entry.DataStream, target, cancellationToken));
            }
            return Verified(manifest ?? throw Damaged("it has no manifest (a backup cut off before its end?)."), read);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or JsonException
            or ArgumentException)
        {
            throw Damaged($"it is not a readable backup archive ({e.Message}).");
        }
    }

    /// <summary>Where an entry goes under the destination; anything that could step outside it is refused.</summary>
    private static string RelativePathOf(string entryName)
    {
        if (entryName == DatabaseEntry)
            return DatabaseEntry;
        var segments = entryName.StartsWith(FilesPrefix, StringComparison.Ordinal) ? entryName.Split('/')[1..] : [];
        if (!IsRelativePath(segments))
            throw Damaged($"'{entryName}' is not an entry a backup writes.");
        return Path.Combine(["files", .. segments]);
    }

    private static bool IsRelativePath(string[] segments) =>
        segments.Length > 0 && !segments.Any(s => s is "" or "." or ".." || s.Contains('\\', StringComparison.Ordinal));

    private static BackupManifest Verified(BackupManifest manifest, Dictionary<string, (long Size, string Sha256)> read)
    {
        // A manifest is JSON from outside: missing parts or a directory that steps out of the data dir are damage.
        if (manifest.Database is null || manifest.Files is null || manifest.Directories is null
            || manifest.Counts is null
            || manifest.Directories.Any(d => d?.Path is null || !IsRelativePath(d.Path.Split('/'))))
            throw Damaged("its manifest is incomplete.");
        if (manifest.Format != BackupManifest.FormatName || manifest.Version != BackupManifest.CurrentVersion)
            throw Damaged($"its format is {manifest.Format} {manifest.Version}, not {BackupManifest.FormatName} " +
                $"{BackupManifest.CurrentVersion}.");
        var expected = manifest.Files.Select(f => (Entry: FilesPrefix + f.Path, f.Size, f.Sha256))
            .Prepend((manifest.Database.Entry, manifest.Database.Size, manifest.Database.Sha256));
        var listed = 0;
        foreach (var (entry, size, sha256) in expected)
        {
            listed++;
            if (!read.TryGetValue(entry, out var actual))
                throw Damaged($"'{entry}' is in the manifest but not in the archive.");
            if (actual.Size != size || actual.Sha256 != sha256)
                throw Damaged($"'{entry}' does not match its checksum.");
        }
        if (read.Count != listed)
            throw Damaged("it holds entries its manifest does not list.");
        return manifest;
    }

    /// <summary>Copies (or, without a target, only reads) a stream, returning its length and SHA-256.</summary>
    internal static async Task<(long Size, string Sha256)> CopyAsync(
        Stream source, string? target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        FileStream? output = null;
        try
        {
            if (target is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, true);
            }
            long size = 0;
            int count;
            while ((count = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += count;
                hash.AppendData(buffer, 0, count);
                if (output is not null)
                    await output.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            }
            return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (output is not null)
                await output.DisposeAsync();
        }
    }

    private static BackupRefusedException Damaged(string why) =>
        new($"The archive is damaged or not a backup: {why}", BackupRefusal.ArchiveDamaged);
}
