using Bytebot.Platform.Files;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Files.TaskFiles;

/// <summary>A workspace file of a task: an <c>input</c> (uploaded with it) or an <c>output</c> (written while it ran).</summary>
internal sealed record TaskFile(string Name, string Path, long Size, DateTimeOffset Modified, string Kind, string Url);

internal sealed record TaskFileList(Guid TaskId, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<TaskFile> Files);

/// <summary>
/// The files a task produced: regular files modified between its first start and its end (or now, while it
/// runs), found in the workspace's top level and, recursively, in Desktop, Documents and Downloads. Times come from
/// Tasks (<see cref="ITaskRunWindows"/>). The list is
/// live: a file changed by a later task moves to that task.
/// </summary>
internal static class ListTaskFiles
{
    private const int MaxDepth = 4;
    private const int MaxEntries = 5000;

    // File system timestamps come from a coarse clock (up to a tick behind the precise one).
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    private static readonly string[] Scanned = ["Desktop", "Documents", "Downloads"];

    public static async Task<IResult> HandleAsync(Guid id, ConfinedWorkspace workspace, BytebotDatabase database,
        ITaskRunWindows windows, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await windows.GetAsync(id, cancellationToken) is not { } window)
            return FileProblems.NotFound("id", $"No task has id {id}.");
        var (firstStart, end) = (window.FirstStartedAt, window.EndedAt);
        var inputs = await InputsAsync(id, database, cancellationToken);
        var files = new List<TaskFile>();
        foreach (var path in inputs)
        {
            if (workspace.Find(path) is { Type: "file" } entry)
                files.Add(File(entry, "input"));
        }
        if (firstStart is { } from)
        {
            var to = end ?? clock.GetUtcNow();
            files.AddRange(Scan(workspace)
                .Where(e => !inputs.Contains(e.Path) && e.Modified >= from - Slack && e.Modified <= to + Slack)
                .Select(e => File(e, "output")));
        }
        return TypedResults.Ok(new TaskFileList(id, firstStart, end, files));
    }

    private static TaskFile File(WorkspaceEntry entry, string kind) =>
        new(entry.Name, entry.Path, entry.Size ?? 0, entry.Modified, kind, $"/api/files/download?path={Uri.EscapeDataString(entry.Path)}");

    private static List<WorkspaceEntry> Scan(ConfinedWorkspace workspace)
    {
        var found = new List<WorkspaceEntry>();
        var pending = new Queue<(string Path, int Depth)>();
        foreach (var entry in Listed(workspace, ""))
        {
            if (entry.Type == "file")
                found.Add(entry);
            else if (entry.Type == "dir" && Scanned.Contains(entry.Name, StringComparer.Ordinal))
                pending.Enqueue((entry.Path, 1));
        }
        while (pending.TryDequeue(out var directory) && found.Count < MaxEntries)
        {
            foreach (var entry in Listed(workspace, directory.Path))
            {
                if (entry.Type == "file")
                    found.Add(entry);
                else if (entry.Type == "dir" && directory.Depth < MaxDepth)
                    pending.Enqueue((entry.Path, directory.Depth + 1));
            }
        }
        return found;
    }

    // Hidden entries (caches, config) are the desktop's own churn, not the task's output.
    private static IEnumerable<WorkspaceEntry> Listed(ConfinedWorkspace workspace, string path)
    {
        try
        {
            return workspace.List(path).Where(e => !e.Name.StartsWith('.'));
        }
        catch (WorkspaceRefusedException)
        {
            return [];
        }
    }

    private static async Task<HashSet<string>> InputsAsync(Guid id, BytebotDatabase database, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("select path from task_inputs where task_id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            paths.Add(reader.GetString(0));
        return paths;
    }
}
