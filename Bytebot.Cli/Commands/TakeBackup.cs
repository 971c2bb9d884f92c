using System.CommandLine;
using Bytebot.Platform.Backup;

namespace Bytebot.Cli.Commands;

/// <summary>
/// <c>bytebot backup FILE</c>: downloads the host's backup archive into a private sibling file, checks every entry
/// against the manifest, and only then renames it to FILE, so FILE is always a whole, verified backup.
/// </summary>
internal static class TakeBackup
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static Command Command(GlobalOptions options)
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the archive (a tar); must be new." };
        var command = new Command("backup", "Takes a consistent backup of the host while it runs: database, blobs, " +
            "key ring, manifest with checksums.") { file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (File.Exists(path) || Directory.Exists(path))
                throw new CliException($"{path} already exists; name a new file.", ExitCodes.Usage);
            var part = path + ".part";
            using var client = new Connection.HostClient(options.Target(parse));
            BackupManifest manifest;
            try
            {
                using (var response = await client.OpenStreamAsync(
                    new HttpRequestMessage(HttpMethod.Get, "api/admin/backup"), cancellationToken))
                // The archive holds the key ring that decrypts the secrets: readable by its owner only.
                await using (var output = new FileStream(part, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = OwnerOnly,
                    Options = FileOptions.Asynchronous,
                }))
                {
                    await response.Content.CopyToAsync(output, cancellationToken);
                    output.Flush(flushToDisk: true);
                }
                manifest = await BackupArchive.ReadAsync(part, null, cancellationToken);
                File.Move(part, path);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new CliException($"the backup download from {client.Url} broke off: {e.Message}");
            }
            catch (BackupRefusedException e)
            {
                throw new CliException(e.Message, ExitCodes.Failed);
            }
            finally
            {
                File.Delete(part);
            }
            Describe(parse.GetValue(options.Json), path, manifest);
            return ExitCodes.Completed;
        });
        return command;
    }

    public static void Describe(bool json, string path, BackupManifest manifest)
    {
        if (json)
        {
            Output.Document(
                new { file = path, manifest.CreatedAt, manifest.Counts, databaseBytes = manifest.Database.Size });
            return;
        }
        Output.Markup($"[bold]{Output.Esc(path)}[/]: backup of {manifest.CreatedAt:u}, " +
            Output.Esc(string.Join(", ", manifest.Counts.Select(c => $"{c.Value} {c.Key}"))) +
            $", database dump {manifest.Database.Size} bytes " +
            $"(PostgreSQL {Output.Esc(manifest.Database.ServerVersion)})");
    }
}
