using System.CommandLine;
using Bytebot.Platform.Backup;

namespace Bytebot.Cli.Commands;

/// <summary>
/// <c>bytebot restore FILE --data-dir DIR</c>: offline, on this machine; talks to no host. Exit 2 for a data dir that
/// is not empty or a missing archive, 1 for a damaged archive or a failed load; nothing is left in DIR then.
/// </summary>
internal static class RestoreBackup
{
    public static Command Command(GlobalOptions options)
    {
        var file = new Argument<FileInfo>("file") { Description = "An archive bytebot backup wrote." };
        var dataDir = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "The data dir to restore into: new or empty (then start the host with BYTEBOT_DATA_DIR=DIR).",
            Required = true,
        };
        var command = new Command("restore", "Restores a backup into a new data dir, offline: checks the checksums, " +
            "initialises the managed PostgreSQL there and loads the database, blobs and key ring.") { file, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(dataDir)!.FullName;
            BackupManifest manifest;
            try
            {
                manifest = await Platform.Backup.RestoreBackup.RunAsync(
                    parse.GetValue(file)!.FullName, target, cancellationToken);
            }
            catch (BackupRefusedException e)
            {
                throw new CliException(e.Message,
                    e.Reason == BackupRefusal.ArchiveDamaged ? ExitCodes.Failed : ExitCodes.Usage);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(
                    $"the restore failed and left nothing in {target}: {e.Message}", ExitCodes.Failed);
            }
            TakeBackup.Describe(parse.GetValue(options.Json), target, manifest);
            if (!parse.GetValue(options.Json))
                Output.Markup(
                    $"Restored. Start the host on it: [bold]BYTEBOT_DATA_DIR={Output.Esc(target)} build/run[/]");
            return ExitCodes.Completed;
        });
        return command;
    }
}
