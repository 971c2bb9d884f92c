using Bytebot.Files.Contracts;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Npgsql;

namespace Bytebot.Tasks.Api;

/// <summary>
/// What other modules ask of Tasks' events: run windows (Files' task file list) and blob references (the blob
/// collector). Plain SQL on the data source, not Marten: the blob collector is a hosted service, built before
/// the database (and so the document store) exists.
/// </summary>
internal sealed class TaskFacts(BytebotDatabase database) : ITaskRunWindows, IBlobReferences
{
    private const string Window = """
        select
            min((data->>'at')::timestamptz) filter (where type = 'tasks.task_started'),
            max((data->>'at')::timestamptz) filter (where type = 'tasks.task_started'),
            max((data->>'at')::timestamptz)
                filter (where type in ('tasks.task_completed', 'tasks.task_failed', 'tasks.task_cancelled')),
            count(*)
        from mt_events where stream_id = $1
        """;

    // Events are never deleted, so one scan of their JSON for the candidates' hashes decides.
    private const string Referenced = """
        select distinct m[1] from mt_events, regexp_matches(data::text, '[0-9a-f]{64}', 'g') as m
        where type like 'tasks.%' and m[1] = any($1)
        """;

    public async Task<TaskRunWindow?> GetAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Window);
        command.Parameters.Add(new NpgsqlParameter { Value = taskId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetInt64(3) == 0)
            return null;
        var (first, last, end) = (Time(reader, 0), Time(reader, 1), Time(reader, 2));
        return new TaskRunWindow(first, last, end < last ? null : end);
    }

    public async Task<IReadOnlySet<string>> ReferencedAsync(
        IReadOnlyList<string> sha256s, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Referenced);
        command.Parameters.Add(new NpgsqlParameter { Value = sha256s.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            referenced.Add(reader.GetString(0));
        return referenced;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
