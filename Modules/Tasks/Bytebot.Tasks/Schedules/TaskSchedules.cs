using System.Text.Json;
using Bytebot.Platform.Postgres;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.Marten;

namespace Bytebot.Tasks.Schedules;

/// <summary>
/// The schedules table. Every write that moves a schedule's next occurrence schedules that occurrence's
/// <see cref="FireSchedule"/> in the same transaction, through Wolverine's outbox: the envelope waits in PostgreSQL,
/// so an occurrence due while the host was down fires when it starts.
/// </summary>
internal sealed class TaskSchedules(BytebotDatabase database, IDocumentStore store)
{
    private const string Columns = """
        id, name, cron, time_zone, missed, draft::text, paused, next_run_at, runs, skipped, last_run_at, last_task_id,
        created_at, updated_at
        """;

    public async Task<IReadOnlyList<TaskSchedule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"select {Columns} from task_schedules order by created_at, id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<TaskSchedule?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"select {Columns} from task_schedules where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ScheduleRunView>> RecentAsync(Guid id, int count, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            select occurrence, fired_at, task_id, outcome, detail from task_schedule_runs
            where schedule_id = $1 order by occurrence desc limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<ScheduleRunView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new ScheduleRunView(reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return runs;
    }

    public async Task AddAsync(TaskSchedule schedule, IMartenOutbox outbox, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        session.QueueSqlCommand("""
            insert into task_schedules (id, name, cron, time_zone, missed, draft, paused, next_run_at, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
            """, schedule.Id, schedule.Name, schedule.Cron, schedule.TimeZone, schedule.Missed,
            JsonSerializer.Serialize(schedule.Task, JsonSerializerOptions.Web), schedule.Paused,
            schedule.NextRunAt!.Value, schedule.CreatedAt, schedule.UpdatedAt);
        await outbox.ScheduleAsync(new FireSchedule(schedule.Id, schedule.NextRunAt.Value), schedule.NextRunAt.Value);
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Pauses: the pending occurrence finds the schedule not due any more and does nothing.</summary>
    public async Task<bool> PauseAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "update task_schedules set paused = true, next_run_at = null, updated_at = $2 where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Resumes a paused schedule from its next occurrence after now (what was missed while paused is not run).</summary>
    public async Task ResumeAsync(Guid id, DateTimeOffset next, DateTimeOffset now, IMartenOutbox outbox,
        CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        outbox.Enroll(session);
        session.QueueSqlCommand(
            "update task_schedules set paused = false, next_run_at = ?, updated_at = ? where id = ? and paused",
            next, now, id);
        await outbox.ScheduleAsync(new FireSchedule(id, next), next);
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("delete from task_schedules where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Records an occurrence in <paramref name="session"/>'s transaction and schedules the next one.</summary>
    public static async ValueTask RecordFireAsync(IDocumentSession session, IMartenOutbox outbox, FireSchedule fire,
        DateTimeOffset next, Guid? taskId, string outcome, string? detail, DateTimeOffset now)
    {
        session.QueueSqlCommand("select task_schedule_fire(?, ?, ?, ?, ?, ?, ?)", fire.ScheduleId, fire.Occurrence,
            next, taskId ?? Guid.Empty, outcome, detail ?? "", now);
        await outbox.ScheduleAsync(new FireSchedule(fire.ScheduleId, next), next);
    }

    private static async Task<IReadOnlyList<TaskSchedule>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schedules = new List<TaskSchedule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(new TaskSchedule(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonSerializer.Deserialize<ScheduledTask>(reader.GetString(5), JsonSerializerOptions.Web)!,
                reader.GetBoolean(6), Nullable(reader, 7), reader.GetInt32(8), reader.GetInt32(9), Nullable(reader, 10),
                reader.IsDBNull(11) ? null : reader.GetGuid(11), reader.GetFieldValue<DateTimeOffset>(12),
                reader.GetFieldValue<DateTimeOffset>(13)));
        }
        return schedules;
    }

    private static DateTimeOffset? Nullable(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
