using Bytebot.Platform.Events;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Npgsql;
using NpgsqlTypes;

namespace Bytebot.Tasks.ReadModels;

/// <summary>
/// Task list, status counts, messages, summaries, files and the step timeline. Every value comes from the
/// event (times included), never from the clock, so a rebuild reproduces the live tables exactly.
/// </summary>
internal sealed class TaskReadModelProjection : IInlineProjection
{
    public string Name => "tasks.read_models";

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await new Writer(connection, transaction, cancellationToken).ExecAsync(
            "truncate tasks, task_status_counts, task_messages, task_summaries, task_files, task_steps");

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var db = new Writer(connection, transaction, cancellationToken);
        foreach (var recorded in events)
        {
            if (!TaskEventTypes.TryParseStreamId(recorded.StreamId, out var id))
                continue;
            await ApplyAsync(db, id, recorded);
        }
    }

    private static async Task ApplyAsync(Writer db, Guid id, RecordedEvent recorded)
    {
        switch (recorded.Data)
        {
            case TaskCreated e:
                await db.ExecAsync("""
                    insert into tasks (id, description, type, status, priority, control, created_by, model, scheduled_for, created_at, updated_at)
                    values ($1, $2, $3, 'PENDING', $4, 'ASSISTANT', $5, $6, $7, $8, $8)
                    """, id, e.Description, Wire.Name(e.Type), Wire.Name(e.Priority), Wire.Name(e.CreatedBy),
                    Writer.Jsonb(Wire.Json(e.Model)), e.ScheduledFor, e.At);
                await CountAsync(db, "PENDING", 1);
                foreach (var file in e.Files)
                    await db.ExecAsync("insert into task_files (id, task_id, name, media_type, size, sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7)",
                        file.Id, id, file.Name, file.MediaType, file.Size, file.Sha256, e.At);
                break;
            case MessageAdded e:
                await db.ExecAsync("insert into task_messages (id, task_id, position, role, content, created_at) values ($1, $2, $3, $4, $5, $6)",
                    e.MessageId, id, recorded.GlobalPosition, Wire.Name(e.Role), Writer.Jsonb(Wire.Json(e.Content)), e.At);
                await TouchAsync(db, id, e.At);
                break;
            case SummaryAdded e:
                await db.ExecAsync("insert into task_summaries (id, task_id, content, created_at) values ($1, $2, $3, $4)", e.SummaryId, id, e.Content, e.At);
                await db.ExecAsync("update task_messages set summary_id = $1 where task_id = $2 and id = any($3)", e.SummaryId, id, e.MessageIds.ToArray());
                break;
            case TaskStarted e:
                await SetStatusAsync(db, id, AgentTaskStatus.Running, e.At);
                await db.ExecAsync("update tasks set executed_at = coalesce(executed_at, $2) where id = $1", id, e.At);
                break;
            case StepStarted e:
                await db.ExecAsync("insert into task_steps (id, task_id, number, started_at) values ($1, $2, $3, $4)", e.StepId, id, e.Number, e.At);
                break;
            case ActionStarted e:
                await db.ExecAsync("update task_steps set action = $2, action_input = $3, actions = actions + 1, action_started_at = $4 where id = $1",
                    e.StepId, e.Name, Writer.Jsonb(e.Input.GetRawText()), e.At);
                break;
            case ActionCompleted e:
                // Durations add up over the step's actions; the screenshot is the newest one.
                await db.ExecAsync("""
                    update task_steps set action_error = coalesce($2, action_error), screenshot = coalesce($3, screenshot),
                        action_ms = coalesce(action_ms, 0) + extract(epoch from ($4 - action_started_at)) * 1000,
                        settle_ms = case when $5::double precision is null then settle_ms else coalesce(settle_ms, 0) + $5 end
                    where id = $1
                    """, e.StepId, e.Error, e.Screenshot is null ? null : Writer.Jsonb(Wire.Json(e.Screenshot)), e.At, e.SettleMs);
                break;
            case UsageRecorded e:
                await db.ExecAsync("""
                    update task_steps set input_tokens = input_tokens + $2, output_tokens = output_tokens + $3,
                        cost = case when $4::numeric is null then cost else coalesce(cost, 0) + $4::numeric end,
                        cache_read_tokens = cache_read_tokens + $5, cache_write_tokens = cache_write_tokens + $6,
                        model = $7, model_ms = case when $8::double precision is null then model_ms else coalesce(model_ms, 0) + $8 end
                    where id = $1
                    """, e.StepId, e.InputTokens, e.OutputTokens, e.Cost, e.CacheReadTokens, e.CacheWriteTokens, e.Model, e.LatencyMs);
                break;
            case StepCompleted e:
                await db.ExecAsync("update task_steps set ended_at = $2, outcome = 'completed' where id = $1", e.StepId, e.At);
                break;
            case StepInterrupted e:
                await db.ExecAsync("update task_steps set ended_at = $2, outcome = 'interrupted: ' || $3 where id = $1", e.StepId, e.At, e.Reason);
                break;
            case TaskTakenOver e:
                await db.ExecAsync("update tasks set control = 'USER', updated_at = $2 where id = $1", id, e.At);
                break;
            case TaskResumed e:
                await db.ExecAsync("update tasks set control = 'ASSISTANT', error = null where id = $1", id);
                await SetStatusAsync(db, id, AgentTaskStatus.Running, e.At);
                break;
            case TaskNeedsHelp e:
                // The reason travels in `error` so API clients and the dashboard can show why help is needed.
                await db.ExecAsync("update tasks set control = 'USER', error = $2 where id = $1", id, e.Reason);
                await SetStatusAsync(db, id, AgentTaskStatus.NeedsHelp, e.At);
                break;
            case TaskCompleted e:
                await SetStatusAsync(db, id, AgentTaskStatus.Completed, e.At);
                await db.ExecAsync("update tasks set completed_at = $2, result = $3 where id = $1",
                    id, e.At, e.Result is { } result ? Writer.Jsonb(result.GetRawText()) : null);
                break;
            case TaskFailed e:
                await SetStatusAsync(db, id, AgentTaskStatus.Failed, e.At);
                await db.ExecAsync("update tasks set error = $2 where id = $1", id, e.Error);
                break;
            case TaskCancelled e:
                await SetStatusAsync(db, id, AgentTaskStatus.Cancelled, e.At);
                break;
            case TaskDeleted:
                if (await db.ScalarAsync<string>("delete from tasks where id = $1 returning status", id) is { } status)
                    await CountAsync(db, status, -1);
                foreach (var table in new[] { "task_messages", "task_summaries", "task_files", "task_steps" })
                    await db.ExecAsync($"delete from {table} where task_id = $1", id);
                break;
        }
    }

    private static Task<int> TouchAsync(Writer db, Guid id, DateTimeOffset at) =>
        db.ExecAsync("update tasks set updated_at = greatest(updated_at, $2) where id = $1", id, at);

    private static async Task SetStatusAsync(Writer db, Guid id, AgentTaskStatus status, DateTimeOffset at)
    {
        var name = Wire.Name(status);
        var old = await db.ScalarAsync<string>("select status from tasks where id = $1 for update", id);
        if (old is null)
            return;
        await db.ExecAsync("update tasks set status = $2, updated_at = greatest(updated_at, $3) where id = $1", id, name, at);
        if (old == name)
            return;
        await CountAsync(db, old, -1);
        await CountAsync(db, name, 1);
    }

    private static Task<int> CountAsync(Writer db, string status, int delta) => db.ExecAsync("""
        insert into task_status_counts (status, count) values ($1, $2)
        on conflict (status) do update set count = task_status_counts.count + excluded.count
        """, status, (long)delta);
}

/// <summary>Positional-parameter SQL on the append's connection and transaction.</summary>
internal readonly struct Writer(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
{
    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    public async Task<int> ExecAsync(string sql, params object?[] values)
    {
        await using var command = Create(sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] values)
    {
        await using var command = Create(sql, values);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    public NpgsqlCommand Create(string sql, object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }
}
