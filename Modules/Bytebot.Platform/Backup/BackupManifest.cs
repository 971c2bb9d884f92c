using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Platform.Backup;

/// <summary>The last entry of a backup archive: what the archive holds and the SHA-256 of every other entry.</summary>
public sealed record BackupManifest(
    string Format,
    int Version,
    DateTimeOffset CreatedAt,
    BackupDatabase Database,
    IReadOnlyList<BackupDirectory> Directories,
    IReadOnlyList<BackupFile> Files,
    IReadOnlyDictionary<string, long> Counts)
{
    public const string FormatName = "bytebot-backup";
    public const int CurrentVersion = 1;
}

/// <summary>The pg_dump (custom format) entry, and the server it was taken from.</summary>
public sealed record BackupDatabase(string Entry, long Size, string Sha256, string ServerVersion);

/// <summary>
/// A directory of the data dir that a backup copies whole (path relative to the data dir, '/'-separated);
/// <paramref name="OwnerOnly"/> restores it 0700 with its files 0600.
/// </summary>
public sealed record BackupDirectory(string Path, bool OwnerOnly);

/// <summary>One copied file, its path relative to the data dir.</summary>
public sealed record BackupFile(string Path, long Size, string Sha256);

public static class BackupRegistration
{
    /// <summary>Puts a directory of the data dir into every backup; a restore puts it back with its modes.</summary>
    public static IServiceCollection AddBackupDirectory(
        this IServiceCollection services, string path, bool ownerOnly) =>
        services.AddSingleton(new BackupDirectory(path, ownerOnly));
}
