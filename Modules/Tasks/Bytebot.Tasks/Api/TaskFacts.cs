using System.Text.Json;
using Bytebot.Files.Contracts;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Blobs;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.ReadModels;
using Npgsql;

namespace Bytebot.Tasks.Api;

/// <summary>
/// What other modules ask of Tasks' events: run windows (Files' task file list), blob references (the blob
/// collector) and reports (Channels' notifications). Plain SQL on the data source, not Marten: the blob collector is a
/// hosted service, built before the database (and so the document store) exists.
/// </summary>
internal sealed class TaskFacts(BytebotDatabase database, TimeProvider clock)
    : ITaskRunWindows, IBlobReferences, ITaskReports
{
    // The daemon is normally a fraction of a second behind; a longer wait means it is catching up on an old database.
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(30);

    private const string Window = """
        select
            min((data->>'at')::timestamptz) filter (where type = 'tasks.task_started'),
            max((data->>'at')::timestamptz) filter (where type = 'tasks.task_started'),
            max((data->>'at')::timestamptz)
                filter (where type in ('tasks.task_completed', 'tasks.task_failed', 'tasks.task_cancelled')),
            count(*)
        from mt_events where stream_id = $1
        """;

    // Every event committed before the question must have been projected, or a blob it names looks unreferenced.
    private const string Projected = $"""
        select coalesce((select last_seq_id from mt_event_progression where name = '{BlobReferencesProjection.Name}:All'), -1)
            >= $1
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

    // The read models are inline (in the append's transaction): a report asked for on a committed event includes it.
    private const string Report = """
        select count(s.id)::int, coalesce(sum(s.input_tokens), 0)::bigint, coalesce(sum(s.output_tokens), 0)::bigint,
               coalesce(sum(s.cost), 0),
               (select screenshot::text from task_steps where task_id = $1 and screenshot is not null
                order by number desc, started_at desc limit 1)
        from tasks t left join task_steps s on s.task_id = t.id
        where t.id = $1
        group by t.id
        """;

    /// <summary>Where <c>GET /api/tasks/{id}/blobs/{sha256}</c> serves a blob of the task.</summary>
    public static string BlobPath(Guid taskId, string sha256) => $"/api/tasks/{taskId}/blobs/{sha256}";

    async Task<TaskReport?> ITaskReports.GetAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Report);
        command.Parameters.Add(new NpgsqlParameter { Value = taskId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var screenshot = reader.IsDBNull(4)
            ? null
            : JsonSerializer.Deserialize<BlobReference>(reader.GetString(4), JsonSerializerOptions.Web);
        return new TaskReport(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3),
            screenshot, screenshot is null ? null : BlobPath(taskId, screenshot.Sha256));
    }

    public async Task<IReadOnlySet<string>> ReferencedAsync(
        IReadOnlyList<string> sha256s, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var db = new Writer(connection, null, cancellationToken);
        var committed = await db.ScalarAsync<long>("select coalesce(max(seq_id), 0) from mt_events");
        var waited = clock.GetTimestamp();
        while (!await db.ScalarAsync<bool>(Projected, committed))
        {
            if (clock.GetElapsedTime(waited) > CatchUpWait)
                throw new InvalidOperationException("The task blob references are still being projected.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, cancellationToken);
        }
        await using var command = db.Create("select sha256 from task_blobs where sha256 = any($1)", [sha256s.ToArray()]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            referenced.Add(reader.GetString(0));
        return referenced;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
