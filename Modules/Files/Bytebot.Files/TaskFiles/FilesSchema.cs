using Bytebot.Platform.Postgres;

namespace Bytebot.Files.TaskFiles;

internal static class FilesSchema
{
    public const string Module = "files";

    public static readonly Migration TaskInputs = new(1, "files written into the workspace for a task", """
        create table task_inputs (
            task_id uuid not null,
            path text not null,
            sha256 text not null,
            written_at timestamptz not null,
            primary key (task_id, path));
        """);
}
