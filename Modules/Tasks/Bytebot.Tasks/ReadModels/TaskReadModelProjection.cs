using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Bytebot.Tasks.ReadModels;

/// <summary>
/// Task list, status counts, messages, summaries, files and the step timeline, as plain tables the list page
/// reads with one indexed query, and the usage per quarter hour (<c>task_usage</c>, see
/// <see cref="TasksSchema.Usage"/>). Every value comes from the event (times included), never from the clock.
/// </summary>
internal sealed class TaskReadModelProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var recorded in events)
            Apply(new QueuedSql(operations), recorded.StreamId, recorded);
        return Task.CompletedTask;
    }

    private static void Apply(QueuedSql db, Guid id, IEvent recorded)
    {
        switch (recorded.Data)
        {
            case TaskCreated e:
                db.Exec("""
                    insert into tasks (id, description, type, status, priority, control, created_by, model,
                        scheduled_for, created_at, updated_at, node, capabilities, fallback_nodes, tags, due_at, depends_on)
                    values (?, ?, ?, 'PENDING', ?, 'ASSISTANT', ?, ?::jsonb, ?::timestamptz, ?, ?, ?, ?::text[], ?::text[],
                        ?::text[], ?::timestamptz, ?::uuid[])
                    """, id, e.Description, Wire.Name(e.Type), Wire.Name(e.Priority), Wire.Name(e.CreatedBy),
                    Wire.Json(e.Model), e.ScheduledFor, e.At, e.At, (object?)e.Node ?? DBNull.Value,
                    (object?)e.Capabilities?.ToArray() ?? DBNull.Value, (object?)e.FallbackNodes?.ToArray() ?? DBNull.Value,
                    (object?)e.Tags?.ToArray() ?? DBNull.Value, (object?)e.DueAt ?? DBNull.Value,
                    (object?)e.DependsOn?.ToArray() ?? DBNull.Value);
                db.Exec("select tasks_count('PENDING', 1)");
                foreach (var file in e.Files)
                {
                    db.Exec("""
                        insert into task_files (id, task_id, name, media_type, size, sha256, created_at)
                        values (?, ?, ?, ?, ?, ?, ?)
                        """, file.Id, id, file.Name, file.MediaType, file.Size, file.Sha256, e.At);
                }
                break;
            case MessageAdded e:
                // Next after the task's newest message: appends to one stream are serialised by its stream row, so
                // positions follow the stream's order. (Quick appends number events in the database, after this
                // SQL is queued; looking the number up by event id scanned the whole events table, which has no
                // index on ids. Positions written that way are global sequence numbers, and ours go on after them.)
                db.Exec("""
                    insert into task_messages (id, task_id, position, role, content, created_at)
                    values (?, ?, coalesce((select max(position) from task_messages where task_id = ?), 0) + 1,
                        ?, ?::jsonb, ?)
                    """, e.MessageId, id, id, Wire.Name(e.Role), Wire.Json(e.Content), e.At);
                db.Exec("update tasks set updated_at = greatest(updated_at, ?) where id = ?", e.At, id);
                break;
            case SummaryAdded e:
                db.Exec("insert into task_summaries (id, task_id, content, created_at) values (?, ?, ?, ?)",
                    e.SummaryId, id, e.Content, e.At);
                db.Exec("update task_messages set summary_id = ? where task_id = ? and id = any(?)",
                    e.SummaryId, id, e.MessageIds.ToArray());
                break;
            case TaskStarted e:
                SetStatus(db, id, AgentTaskStatus.Running, e.At);
                db.Exec("""
                    update tasks set executed_at = coalesce(executed_at, ?), lost_node = null, node_lost_at = null
                    where id = ?
                    """, e.At, id);
                break;
            case TaskNodeLost e:
                db.Exec("update tasks set lost_node = ?, node_lost_at = ?, updated_at = greatest(updated_at, ?) where id = ?",
                    e.Node, e.At, e.At, id);
                break;
            case StepStarted e:
                db.Exec("insert into task_steps (id, task_id, number, started_at) values (?, ?, ?, ?)",
                    e.StepId, id, e.Number, e.At);
                break;
            case ActionStarted e:
                db.Exec("""
                    update task_steps set action = ?, action_input = ?::jsonb, actions = actions + 1,
                        action_started_at = ?
                    where id = ?
                    """, e.Name, e.Input.GetRawText(), e.At, e.StepId);
                break;
            case ActionCompleted e:
                // Durations add up over the step's actions; the screenshot is the newest one.
                db.Exec("""
                    update task_steps set action_error = coalesce(?::text, action_error),
                        screenshot = coalesce(?::jsonb, screenshot),
                        action_ms = coalesce(action_ms, 0)
                            + extract(epoch from (?::timestamptz - action_started_at)) * 1000,
                        settle_ms = case when ?::double precision is null then settle_ms
                            else coalesce(settle_ms, 0) + ?::double precision end
                    where id = ?
                    """, e.Error, e.Screenshot is null ? null : Wire.Json(e.Screenshot), e.At, e.SettleMs, e.SettleMs,
                    e.StepId);
                break;
            case UsageRecorded e:
                db.Exec("""
                    update task_steps set input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
                        cost = case when ?::numeric is null then cost else coalesce(cost, 0) + ?::numeric end,
                        cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?,
                        model = ?, model_ms = case when ?::double precision is null then model_ms
                            else coalesce(model_ms, 0) + ?::double precision end
                    where id = ?
                    """, e.InputTokens, e.OutputTokens, e.Cost, e.Cost, e.CacheReadTokens, e.CacheWriteTokens, e.Model,
                    e.LatencyMs, e.LatencyMs, e.StepId);
                break;
            case StepCompleted e:
                db.Exec("update task_steps set ended_at = ?, outcome = 'completed' where id = ?", e.At, e.StepId);
                db.Exec("select tasks_usage_add(?, ?)", id, e.StepId);
                break;
            case StepInterrupted e:
                db.Exec("update task_steps set ended_at = ?, outcome = 'interrupted: ' || ? where id = ?",
                    e.At, e.Reason, e.StepId);
                db.Exec("select tasks_usage_add(?, ?)", id, e.StepId);
                break;
            case ApprovalRequested e:
                db.Exec("""
                    insert into task_approvals (approval_id, task_id, step_id, tool, reason, requested_at, expires_at)
                    values (?, ?, (select id from task_steps where task_id = ? order by number desc, started_at desc
                        limit 1), ?, ?, ?, ?)
                    on conflict (approval_id) do update set requested_at = excluded.requested_at,
                        expires_at = excluded.expires_at
                    """, e.ApprovalId, id, id, e.Tool, e.Reason, e.At, e.ExpiresAt);
                break;
            case ApprovalDecided e:
                // A call the policy denied without asking has no request before its decision.
                db.Exec("""
                    insert into task_approvals (approval_id, task_id, step_id, tool, reason, decision, decided_by,
                        decided_reason, decided_at)
                    values (?, ?, (select id from task_steps where task_id = ? order by number desc, started_at desc
                        limit 1), ?, ?, ?, ?, ?, ?)
                    on conflict (approval_id) do update set decision = excluded.decision,
                        decided_by = excluded.decided_by, decided_reason = excluded.decided_reason,
                        decided_at = excluded.decided_at
                    """, e.ApprovalId, id, id, e.Tool, e.Reason, e.Decision, e.By, e.Reason, e.At);
                break;
            case TaskTakenOver e:
                db.Exec("update tasks set control = 'USER', updated_at = ? where id = ?", e.At, id);
                break;
            case TaskResumed e:
                db.Exec("update tasks set control = 'ASSISTANT', error = null where id = ?", id);
                SetStatus(db, id, AgentTaskStatus.Running, e.At);
                break;
            case TaskRetried e:
                db.Exec("update tasks set control = 'ASSISTANT', error = null, completed_at = null where id = ?", id);
                SetStatus(db, id, AgentTaskStatus.Pending, e.At);
                break;
            case TaskNeedsHelp e:
                CountOpenSteps(db, id);
                // The reason travels in `error` so API clients and the dashboard can show why help is needed.
                db.Exec("update tasks set control = 'USER', error = ? where id = ?", e.Reason, id);
                SetStatus(db, id, AgentTaskStatus.NeedsHelp, e.At);
                break;
            case TaskCompleted e:
                CountOpenSteps(db, id);
                SetStatus(db, id, AgentTaskStatus.Completed, e.At);
                db.Exec("update tasks set completed_at = ?, result = ?::jsonb where id = ?",
                    e.At, e.Result is { } result ? result.GetRawText() : null, id);
                break;
            case TaskFailed e:
                CountOpenSteps(db, id);
                SetStatus(db, id, AgentTaskStatus.Failed, e.At);
                db.Exec("update tasks set error = ? where id = ?", e.Error, id);
                break;
            case TaskCancelled e:
                CountOpenSteps(db, id);
                SetStatus(db, id, AgentTaskStatus.Cancelled, e.At);
                break;
            case TaskDeleted:
                CountOpenSteps(db, id);
                db.Exec("select tasks_delete(?)", id);
                db.Exec("delete from task_approvals where task_id = ?", id);
                break;
        }
    }

    // A step whose end was never recorded (a run stopped between its start and its end) counts when its task stops.
    private static void CountOpenSteps(QueuedSql db, Guid id) => db.Exec("select tasks_usage_add(?, null)", id);

    private static void SetStatus(QueuedSql db, Guid id, AgentTaskStatus status, DateTimeOffset at) =>
        db.Exec("select tasks_set_status(?, ?, ?)", id, Wire.Name(status), at);
}

/// <summary>SQL with <c>?</c> placeholders queued into the append's own batch and transaction.</summary>
internal readonly struct QueuedSql(IDocumentOperations operations)
{
    public void Exec(string sql, params object?[] values) =>
        operations.QueueSqlCommand(sql, [.. values.Select(v => v ?? DBNull.Value)]);
}
