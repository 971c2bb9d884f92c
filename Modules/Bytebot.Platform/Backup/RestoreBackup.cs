using Bytebot.Platform.Postgres;

namespace Bytebot.Platform.Backup;

/// <summary>
/// Restores an archive into a fresh data dir, offline: checks every entry first, then puts the directories back with
/// their modes, initialises the managed cluster there (the same code the host starts it with) and loads the dump into
/// it with pg_restore in one transaction. Any failure removes everything it wrote.
/// </summary>
public static class RestoreBackup
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
    private const string Staging = ".restoring";

    public static async Task<BackupManifest> RunAsync(
        string archivePath, string dataDirectory, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(dataDirectory);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new BackupRefusedException(
                $"{target} is not an empty directory; restore only into a new or empty one.",
                BackupRefusal.DataDirectoryNotEmpty);
        }
        if (!File.Exists(archivePath))
            throw new BackupRefusedException($"There is no archive at {archivePath}.", BackupRefusal.ArchiveMissing);
        var created = !Directory.Exists(target);
        var staging = Directory.CreateDirectory(Path.Combine(target, Staging), OwnerDirectory).FullName;
        try
        {
            var manifest = await BackupArchive.ReadAsync(archivePath, staging, cancellationToken);
            PlaceDirectories(manifest, Path.Combine(staging, "files"), target);
            await LoadDatabaseAsync(target, Path.Combine(staging, manifest.Database.Entry), cancellationToken);
            Directory.Delete(staging, recursive: true);
            return manifest;
        }
        catch
        {
            RemoveEverything(target, created);
            throw;
        }
    }

    private static void PlaceDirectories(BackupManifest manifest, string files, string target)
    {
        foreach (var directory in manifest.Directories)
        {
            var restored = Path.Combine([files, .. directory.Path.Split('/')]);
            Directory.CreateDirectory(restored);
            if (!directory.OwnerOnly)
                continue;
            File.SetUnixFileMode(restored, OwnerDirectory);
            foreach (var file in Directory.EnumerateFiles(restored, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(file, OwnerFile);
            foreach (var inner in Directory.EnumerateDirectories(restored, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(inner, OwnerDirectory);
        }
        foreach (var top in Directory.EnumerateDirectories(files))
            Directory.Move(top, Path.Combine(target, Path.GetFileName(top)));
    }

    private static async Task LoadDatabaseAsync(string target, string dump, CancellationToken cancellationToken)
    {
        await using var cluster = await ManagedPostgres.StartAsync(
            new ManagedPostgresOptions(target), null, cancellationToken);
        // --single-transaction: a dump that fails part-way leaves an empty database, never half of one.
        await PostgresClientTool.RunAsync(Path.Combine(ManagedPostgresOptions.DebianBinDirectory, "pg_restore"),
            cluster.ConnectionString(),
            ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
             "--dbname=" + ManagedPostgres.DatabaseName, dump],
            cancellationToken);
        await cluster.StopAsync(cancellationToken);
    }

    private static void RemoveEverything(string target, bool created)
    {
        if (created)
        {
            Directory.Delete(target, recursive: true);
            return;
        }
        foreach (var directory in Directory.EnumerateDirectories(target))
            Directory.Delete(directory, recursive: true);
        foreach (var file in Directory.EnumerateFiles(target))
            File.Delete(file);
    }
}
