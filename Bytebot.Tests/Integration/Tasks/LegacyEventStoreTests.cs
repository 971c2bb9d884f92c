using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.ReadModels;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>A database written by the hand-written event store (main before docs/adr/0016) opens with Marten.</summary>
public sealed class LegacyEventStoreTests(PostgresFixture postgres)
{
    private static readonly Guid TaskId = Guid.Parse("019ad000-0000-7000-8000-000000000001");
    private static readonly Guid StepId = Guid.Parse("019ad000-0000-7000-8000-000000000002");
    private static readonly Guid ActionId = Guid.Parse("019ad000-0000-7000-8000-000000000003");
    private static readonly Guid[] MessageIds =
        [Guid.Parse("019ad000-0000-7000-8000-000000000004"), Guid.Parse("019ad000-0000-7000-8000-000000000005")];

    private static readonly BlobReference Screenshot = new(new string('a', 64), 10, "image/png");
    private static readonly BlobReference ImageInMessage = new(new string('b', 64), 5, "image/png");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_task_message_and_step_the_old_store_wrote_is_still_there_and_the_stream_goes_on()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await WriteOldDatabaseAsync(connectionString);

        for (var start = 0; start < 2; start++)
        {
            await using var factory = TasksHost.Create(connectionString, TasksHost.Settings("legacy", "/dev/null"));
            using var client = factory.CreateAuthenticatedClient();
            var page = await client.GetFromJsonAsync<JsonElement>("/api/tasks", Ct);
            page.GetProperty("tasks").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(TaskId);
            var messages = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{TaskId}/messages", Ct);
            messages.EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ShouldBe(MessageIds);
            var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{TaskId}/timeline", Ct);
            timeline.EnumerateArray().Single().GetProperty("action").GetString().ShouldBe("screenshot");

            var events = await TasksHost.RowsAsync(connectionString, """
                select seq_id, version, id, type, headers->>'lease_epoch' from mt_events
                where stream_id = $1 order by seq_id
                """, TaskId);
            events.Select(e => (long)e[0]!).ShouldBe([11, 12, 15, 16, 17, 20, 21, 22], "the old global positions");
            events.Select(e => (long)e[1]!).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
            ((string?)events[2][4]).ShouldBe("3", "metadata became headers");
            var version = await TasksHost.ScalarAsync<long>(connectionString, "select version from mt_streams where id = $1", TaskId);
            version.ShouldBe(8);
            // The blob collector keeps what the old events name: the async daemon projects them on the first start.
            var referenced = await factory.Services.GetRequiredService<IBlobReferences>()
                .ReferencedAsync([Screenshot.Sha256, ImageInMessage.Sha256, new string('c', 64)], Ct);
            referenced.OrderBy(s => s).ShouldBe([Screenshot.Sha256, ImageInMessage.Sha256]);
        }

        await using (var factory = TasksHost.Create(connectionString, TasksHost.Settings("legacy", "/dev/null")))
        {
            using var client = factory.CreateAuthenticatedClient();
            using var added = await client.PostAsJsonAsync(
                $"/api/tasks/{TaskId}/messages", new { message = "and one more" }, Ct);
            added.EnsureSuccessStatusCode();
            var messages = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{TaskId}/messages", Ct);
            messages.EnumerateArray().Count().ShouldBe(3);
            messages[2].GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("and one more");
        }
        var last = await TasksHost.RowsAsync(connectionString,
            "select seq_id, version from mt_events where stream_id = $1 order by seq_id desc limit 1", TaskId);
        ((long)last[0][0]!).ShouldBeGreaterThan(22, "the sequence continues after the imported positions");
        ((long)last[0][1]!).ShouldBe(9);
    }

    /// <summary>
    /// The old store's schema and rows as it wrote them: platform migration 1's <c>events</c> (JSON with web
    /// defaults, metadata with the lease), Tasks' migrations 1 and 2 with the read-model rows its projection wrote.
    /// Global positions have gaps, as rolled-back appends and other streams left them.
    /// </summary>
    private static async Task WriteOldDatabaseAsync(string connectionString)
    {
        var at = DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var model = new TaskModel("anthropic", "claude-old", "Old");
        (long Position, object Data, bool Fenced)[] log =
        [
            (11, new TaskCreated(TaskId, "an old task", AgentTaskType.Immediate, AgentTaskPriority.High, null,
                TaskRole.User, model, [], at), false),
            (12, new MessageAdded(MessageIds[0], TaskRole.User, [new TextContent("an old task")], at), false),
            (15, new TaskStarted("old/worker", "legacy", 3, false, at.AddSeconds(1)), true),
            (16, new StepStarted(StepId, 1, at.AddSeconds(2)), true),
            (17, new ActionStarted(StepId, ActionId, "screenshot", JsonSerializer.SerializeToElement(new { }),
                at.AddSeconds(3)), true),
            (20, new ActionCompleted(StepId, ActionId, true, null, Screenshot, at.AddSeconds(4)), true),
            (21, new MessageAdded(MessageIds[1], TaskRole.User, [new ToolResultContent("toolu_old",
                    [new TextContent("done"), new ImageContent(MediaSource.FromBlob(ImageInMessage))])], at.AddSeconds(5)),
                true),
            (22, new StepCompleted(StepId, at.AddSeconds(6)), true),
        ];
        string[] names = ["task_created", "message_added", "task_started", "step_started", "action_started",
            "action_completed", "message_added", "step_completed"];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await ExecAsync(connection, """
            create table schema_migrations (module text not null, version int not null, name text not null,
                applied_at timestamptz not null default now(), primary key (module, version));
            insert into schema_migrations (module, version, name) values
                ('platform', 1, 'create event store'), ('tasks', 1, 'task read models and queue'),
                ('tasks', 2, 'per-step model, cache tokens, latency and action timings');
            create table events (global_position bigserial not null unique, stream_id text not null,
                version int not null, event_id uuid not null unique, type text not null, data jsonb not null,
                metadata jsonb not null default '{}', created_at timestamptz not null default now(),
                primary key (stream_id, version));
            create table subscription_checkpoints (name text primary key, position bigint not null);
            """);
        await ExecAsync(connection, TasksSchema.ReadModels.Sql);
        await ExecAsync(connection, TasksSchema.StepAccounting.Sql);
        for (var i = 0; i < log.Length; i++)
        {
            var metadata = log[i].Fenced ? """{"lease_epoch": "3", "worker_id": "old/worker"}""" : "{}";
            await ExecAsync(connection, """
                insert into events (global_position, stream_id, version, event_id, type, data, metadata, created_at)
                values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
                """, log[i].Position, $"task-{TaskId}", i + 1, Guid.CreateVersion7(), $"tasks.{names[i]}",
                JsonSerializer.Serialize(log[i].Data, log[i].Data.GetType(), JsonSerializerOptions.Web), metadata,
                at.AddSeconds(i));
        }
        await ExecAsync(connection, "select setval('events_global_position_seq', 22)");
        var modelJson = JsonSerializer.Serialize(model, JsonSerializerOptions.Web);
        await ExecAsync(connection, """
            insert into tasks (id, description, type, status, priority, control, created_by, model, created_at,
                updated_at, executed_at)
            values ($1, 'an old task', 'IMMEDIATE', 'RUNNING', 'HIGH', 'ASSISTANT', 'USER', $2::jsonb, $3, $3, $3)
            """, TaskId, modelJson, at);
        await ExecAsync(connection, "insert into task_status_counts (status, count) values ('RUNNING', 1)");
        await ExecAsync(connection, """
            insert into task_messages (id, task_id, position, role, content, created_at) values
                ($2, $1, 12, 'USER', '[{"type":"text","text":"an old task"}]', $4),
                ($3, $1, 21, 'ASSISTANT', '[{"type":"text","text":"done"}]', $4)
            """, TaskId, MessageIds[0], MessageIds[1], at);
        await ExecAsync(connection, """
            insert into task_steps (id, task_id, number, started_at, ended_at, outcome, action, action_input, actions)
            values ($1, $2, 1, $3, $3, 'completed', 'screenshot', '{}', 1)
            """, StepId, TaskId, at);
        await ExecAsync(connection, """
            insert into task_queue (task_id, state, priority_rank, created_at, desktop_id, worker_id, lease_epoch)
            values ($1, 'ready', $2, $3, 'legacy', 'old/worker', 3)
            """, TaskId, (int)AgentTaskPriority.High, at);
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(Ct);
    }
}
