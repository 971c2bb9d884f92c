using System.Text.Json;
using Bytebot.Nodes.Contracts;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.ReadModels;
using Npgsql;

namespace Bytebot.Tasks.Api;

/// <summary>Bytebot's Task shape; <c>files</c> is metadata with a download link, never the bytes.</summary>
internal sealed record TaskView(
    Guid Id, string Description, string Type, string Status, string Priority, string Control, DateTimeOffset CreatedAt,
    string CreatedBy, DateTimeOffset? ScheduledFor, DateTimeOffset UpdatedAt, DateTimeOffset? ExecutedAt,
    DateTimeOffset? CompletedAt, DateTimeOffset? QueuedAt, string? Error, JsonElement? Result, TaskModel Model,
    IReadOnlyList<FileView>? Files)
{
    /// <summary>Sums over the task's steps; present on a task's full read (<c>GET /api/tasks/{id}</c>, creation).</summary>
    public TaskTotals? Totals { get; init; }

    /// <summary>The node that must run it (null: any).</summary>
    public string? Node { get; init; }

    /// <summary>Capabilities the running node must all have.</summary>
    public IReadOnlyList<string>? Capabilities { get; init; }

    /// <summary>Nodes that may run it while <see cref="Node"/> is offline and it has not started.</summary>
    public IReadOnlyList<string>? FallbackNodes { get; init; }

    /// <summary>
    /// Why a PENDING task is not claimed: the run budget is spent ("monthly budget of $5 reached"), a dependency, or no
    /// eligible node takes tasks ("waiting for node beta").
    /// </summary>
    public string? WaitingFor { get; init; }

    /// <summary>Set while the node the started task is pinned to is offline: it waits for that node, or the user.</summary>
    public NodeLostView? NodeLost { get; init; }

    /// <summary>Labels, lower-case and sorted.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>When it should be done by.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary><see cref="DueAt"/> has passed and the task is not finished (COMPLETED, CANCELLED or FAILED).</summary>
    public bool Overdue { get; init; }

    /// <summary>Tasks that must all be COMPLETED before this one is claimed.</summary>
    public IReadOnlyList<Guid>? DependsOn { get; init; }
}

internal sealed record NodeLostView(string Node, DateTimeOffset At);

/// <summary>What a task has cost so far.</summary>
internal sealed record TaskTotals(
    int Steps, int Actions, long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens, decimal Cost,
    double ModelMs, double ActionMs, double SettleMs);

internal sealed record FileView(Guid Id, string Name, string Type, long Size, string Sha256, DateTimeOffset CreatedAt, string Url);

internal sealed record TaskPage(IReadOnlyList<TaskView> Tasks, long Total, long TotalPages, IReadOnlyDictionary<string, long> StatusCounts);

internal sealed record MessageView(Guid Id, JsonElement Content, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, Guid TaskId, Guid? SummaryId);

internal sealed record StepView(
    Guid Id, int Number, DateTimeOffset StartedAt, double? DurationMs, string? Outcome, string? Action, JsonElement? ActionInput,
    string? ActionError, BlobReference? Screenshot, string? ScreenshotUrl, long InputTokens, long OutputTokens, decimal? Cost,
    string? Model = null, double? ModelMs = null, long CacheReadTokens = 0, long CacheWriteTokens = 0, int Actions = 0,
    double? ActionMs = null, double? SettleMs = null)
{
    /// <summary>The step's tool calls that asked for approval or that the policy denied, oldest first.</summary>
    public IReadOnlyList<StepApproval> Approvals { get; init; } = [];
}

/// <summary>An approval of a step's tool call; <c>Decision</c> is null while it is pending.</summary>
internal sealed record StepApproval(
    Guid ApprovalId, string Tool, string Reason, DateTimeOffset? RequestedAt, DateTimeOffset? ExpiresAt,
    string? Decision, string? DecidedBy, string? DecidedReason, DateTimeOffset? DecidedAt);

internal sealed class TaskViews(BytebotDatabase database, INodeDirectory nodes, IRunBudget budget, TimeProvider clock)
{
    private const string TaskColumns = """
        id, description, type, status, priority, control, created_at, created_by, scheduled_for, updated_at,
        executed_at, completed_at, error, result::text, model::text, node, capabilities, fallback_nodes, lost_node,
        node_lost_at, tags, due_at, depends_on
        """;

    public async Task<TaskView?> GetAsync(Guid id, bool detailed, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var db = new Writer(connection, null, cancellationToken);
        TaskView? task;
        await using (var command = db.Create($"select {TaskColumns} from tasks where id = $1", [id]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            task = await reader.ReadAsync(cancellationToken) ? ReadTask(reader) : null;
        // Existence checks (messages, events, blobs) need the row only; the sums and files are for a task's full read.
        if (task is null || !detailed)
            return task;
        task = (await WithWaitingAsync([task], cancellationToken))[0];
        await using (var command = db.Create("""
            select count(*)::int, coalesce(sum(actions), 0)::int, coalesce(sum(input_tokens), 0)::bigint, coalesce(sum(output_tokens), 0)::bigint,
                   coalesce(sum(cache_read_tokens), 0)::bigint, coalesce(sum(cache_write_tokens), 0)::bigint, coalesce(sum(cost), 0),
                   coalesce(sum(model_ms), 0), coalesce(sum(action_ms), 0), coalesce(sum(settle_ms), 0)
            from task_steps where task_id = $1
            """, [id]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            task = task with
            {
                Totals = new TaskTotals(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetDecimal(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9)),
            };
        }
        var files = new List<FileView>();
        await using (var command = db.Create("select id, name, media_type, size, sha256, created_at from task_files where task_id = $1 order by name, id", [id]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var fileId = reader.GetGuid(0);
                files.Add(new FileView(fileId, reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5), $"/api/tasks/{id}/files/{fileId}"));
            }
        }
        return task with { Files = files };
    }

    public async Task<(string Name, string MediaType, string Sha256)?> GetFileAsync(Guid taskId, Guid fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create(
            "select name, media_type, sha256 from task_files where task_id = $1 and id = $2", [taskId, fileId]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public async Task<TaskPage> ListAsync(int page, int limit, IReadOnlyList<string> statuses, string? search,
        CancellationToken cancellationToken, string? tag = null)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var conditions = new List<string>();
        var values = new List<object>();
        if (statuses.Count > 0)
        {
            values.Add(statuses.ToArray());
            conditions.Add($"status = any(${values.Count})");
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            values.Add("%" + search.Trim().Replace(@"\", @"\\", StringComparison.Ordinal)
                .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%");
            conditions.Add($"description ilike ${values.Count}");
        }
        if (tag is not null)
        {
            values.Add(new[] { tag });
            conditions.Add($"tags @> ${values.Count}");
        }
        var filter = conditions.Count == 0 ? "" : "where " + string.Join(" and ", conditions);
        // One round trip: the page, the maintained counts, and for a search (the dashboard's command palette, a few
        // words; it has no maintained count) the count of its matches. Listing never scans the table to count it.
        var searching = !string.IsNullOrWhiteSpace(search) || tag is not null;
        await using var batch = new NpgsqlBatch(connection);
        var offset = (long)(page - 1) * limit;
        if (statuses.Count > 1 && !searching)
        {
            // Several statuses (the dashboard's tabs): one index walk per status, merged, instead of sorting every
            // task of those statuses.
            string[] wanted = [.. statuses.Distinct()];
            var walks = wanted.Select((_, i) =>
                $"(select id, created_at from tasks where status = ($3)[{i + 1}] order by created_at desc, id desc limit $1 + $2)");
            batch.BatchCommands.Add(Command($"""
                select {TaskColumns} from tasks where id in (
                    select id from ({string.Join(" union all ", walks)}) w
                    order by created_at desc, id desc limit $1 offset $2)
                order by created_at desc, id desc
                """, [limit, offset, wanted]));
        }
        else
        {
            batch.BatchCommands.Add(Command(
                $"select {TaskColumns} from tasks {filter} order by created_at desc, id desc " +
                $"limit ${values.Count + 1} offset ${values.Count + 2}",
                [.. values, limit, offset]));
        }
        batch.BatchCommands.Add(Command(
            "select status, sum(count)::bigint from task_status_counts group by status having sum(count) > 0", []));
        if (searching)
            batch.BatchCommands.Add(Command($"select count(*) from tasks {filter}", [.. values]));
        var tasks = new List<TaskView>();
        var counts = new Dictionary<string, long>();
        long total;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                tasks.Add(ReadTask(reader));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                counts[reader.GetString(0)] = reader.GetInt64(1);
            if (searching)
            {
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                total = reader.GetInt64(0);
            }
            else
                total = statuses.Count == 0 ? counts.Values.Sum() : statuses.Distinct().Sum(s => counts.GetValueOrDefault(s));
        }
        return new TaskPage(await WithWaitingAsync(tasks, cancellationToken), total, (total + limit - 1) / limit, counts);
    }

    public async Task<IReadOnlyList<MessageView>> MessagesAsync(Guid taskId, int page, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            select id, content::text, role, created_at, summary_id from task_messages
            where task_id = $1 order by position limit $2 offset $3
            """, [taskId, limit, (long)(page - 1) * limit]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<MessageView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var createdAt = reader.GetFieldValue<DateTimeOffset>(3);
            messages.Add(new MessageView(reader.GetGuid(0), JsonElementOf(reader.GetString(1)), reader.GetString(2), createdAt, createdAt,
                taskId, reader.IsDBNull(4) ? null : reader.GetGuid(4)));
        }
        return messages;
    }

    public async Task<IReadOnlyList<StepView>> TimelineAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            select id, number, started_at, ended_at, outcome, action, action_input::text, action_error, screenshot::text,
                   input_tokens, output_tokens, cost, model, model_ms, cache_read_tokens, cache_write_tokens, actions, action_ms, settle_ms
            from task_steps where task_id = $1 order by number, started_at
            """, [taskId]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var steps = new List<StepView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var started = reader.GetFieldValue<DateTimeOffset>(2);
            DateTimeOffset? ended = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
            var screenshot = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<BlobReference>(reader.GetString(8), JsonSerializerOptions.Web);
            steps.Add(new StepView(reader.GetGuid(0), reader.GetInt32(1), started, (ended - started)?.TotalMilliseconds,
                NullableString(reader, 4), NullableString(reader, 5), reader.IsDBNull(6) ? null : JsonElementOf(reader.GetString(6)),
                NullableString(reader, 7), screenshot,
                screenshot is null ? null : TaskFacts.BlobPath(taskId, screenshot.Sha256),
                reader.GetInt64(9), reader.GetInt64(10), reader.IsDBNull(11) ? null : reader.GetDecimal(11),
                NullableString(reader, 12), NullableDouble(reader, 13), reader.GetInt64(14), reader.GetInt64(15), reader.GetInt32(16),
                NullableDouble(reader, 17), NullableDouble(reader, 18)));
        }
        await reader.CloseAsync();
        var approvals = await ApprovalsAsync(connection, taskId, cancellationToken);
        return [.. steps.Select(step => approvals.TryGetValue(step.Id, out var list) ? step with { Approvals = list } : step)];
    }

    private static async Task<Dictionary<Guid, List<StepApproval>>> ApprovalsAsync(
        NpgsqlConnection connection, Guid taskId, CancellationToken cancellationToken)
    {
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            select step_id, approval_id, tool, reason, requested_at, expires_at, decision, decided_by, decided_reason,
                   decided_at
            from task_approvals where task_id = $1 and step_id is not null
            order by coalesce(requested_at, decided_at), approval_id
            """, [taskId]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var approvals = new Dictionary<Guid, List<StepApproval>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var stepId = reader.GetGuid(0);
            if (!approvals.TryGetValue(stepId, out var list))
                approvals[stepId] = list = [];
            list.Add(new StepApproval(reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                NullableTime(reader, 4), NullableTime(reader, 5), NullableString(reader, 6), NullableString(reader, 7),
                NullableString(reader, 8), NullableTime(reader, 9)));
        }
        return approvals;
    }

    private static TaskView ReadTask(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7), NullableTime(reader, 8), reader.GetFieldValue<DateTimeOffset>(9),
        NullableTime(reader, 10), NullableTime(reader, 11),
        NullableTime(reader, 8), NullableString(reader, 12), reader.IsDBNull(13) ? null : JsonElementOf(reader.GetString(13)),
        JsonSerializer.Deserialize<TaskModel>(reader.GetString(14), JsonSerializerOptions.Web)!, null)
    {
        Node = NullableString(reader, 15),
        Capabilities = reader.IsDBNull(16) ? null : reader.GetFieldValue<string[]>(16),
        FallbackNodes = reader.IsDBNull(17) ? null : reader.GetFieldValue<string[]>(17),
        NodeLost = reader.IsDBNull(18) ? null
            : new NodeLostView(reader.GetString(18), reader.GetFieldValue<DateTimeOffset>(19)),
        Tags = reader.IsDBNull(20) ? null : reader.GetFieldValue<string[]>(20),
        DueAt = NullableTime(reader, 21),
        DependsOn = reader.IsDBNull(22) ? null : reader.GetFieldValue<Guid[]>(22),
    };

    // Presence is read only when a routed task waits, dependencies only when a task has some, and the budget only when
    // a task waits (a query only with a budget set), so a list of plain tasks costs what it did.
    private async Task<IReadOnlyList<TaskView>> WithWaitingAsync(
        IReadOnlyList<TaskView> tasks, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        tasks = [.. tasks.Select(t => t.DueAt is { } due && due < now && t.Status is not ("COMPLETED" or "CANCELLED" or "FAILED")
            ? t with { Overdue = true } : t)];
        var pending = tasks.Where(t => t.Status == "PENDING").ToList();
        var dependencies = pending.SelectMany(t => t.DependsOn ?? []).Distinct().ToList();
        var statuses = dependencies.Count == 0 ? new Dictionary<Guid, string>() : await StatusesAsync(dependencies, cancellationToken);
        var routed = pending.Any(t => t.Node is not null || t.Capabilities is { Count: > 0 });
        var available = routed ? (await nodes.ListAsync(cancellationToken)).Where(n => n.TakesTasks).ToList() : [];
        var refused = pending.Count == 0 ? null : await budget.RefusalAsync(cancellationToken);
        if (dependencies.Count == 0 && !routed && refused is null)
            return tasks;
        return [.. tasks.Select(t => t.Status == "PENDING"
            ? t with
            {
                WaitingFor = refused ?? TaskWaiting.ForDependencies(t, statuses) ?? TaskWaiting.Reason(t, available),
            }
            : t)];
    }

    private async Task<Dictionary<Guid, string>> StatusesAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create(
            "select id, status from tasks where id = any($1)", [ids.ToArray()]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statuses = new Dictionary<Guid, string>();
        while (await reader.ReadAsync(cancellationToken))
            statuses[reader.GetGuid(0)] = reader.GetString(1);
        return statuses;
    }

    /// <summary>The ids among <paramref name="ids"/> that name a task (not deleted).</summary>
    public static async Task<IReadOnlySet<Guid>> ExistingAsync(
        BytebotDatabase database, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new Writer(connection, null, cancellationToken).Create(
            "select id from tasks where id = any($1)", [ids.ToArray()]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var existing = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
            existing.Add(reader.GetGuid(0));
        return existing;
    }

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static double? NullableDouble(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static JsonElement JsonElementOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
