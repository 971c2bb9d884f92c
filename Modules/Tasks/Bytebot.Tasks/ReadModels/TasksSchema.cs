using Bytebot.Platform.Postgres;

namespace Bytebot.Tasks.ReadModels;

internal static class TasksSchema
{
    public const string Module = "tasks";

    public static readonly Migration ReadModels = new(1, "task read models and queue", """
        create table tasks (
            id uuid primary key,
            description text not null,
            type text not null,
            status text not null,
            priority text not null,
            control text not null,
            created_by text not null,
            model jsonb not null,
            scheduled_for timestamptz,
            created_at timestamptz not null,
            updated_at timestamptz not null,
            executed_at timestamptz,
            completed_at timestamptz,
            error text,
            result jsonb);
        create index tasks_created on tasks (created_at desc, id);
        create index tasks_status_created on tasks (status, created_at desc);
        create table task_status_counts (status text primary key, count bigint not null);
        create table task_messages (
            id uuid primary key,
            task_id uuid not null,
            position bigint not null,
            role text not null,
            content jsonb not null,
            created_at timestamptz not null,
            summary_id uuid);
        create index task_messages_task on task_messages (task_id, position);
        create table task_summaries (
            id uuid primary key,
            task_id uuid not null,
            content text not null,
            created_at timestamptz not null);
        create index task_summaries_task on task_summaries (task_id, created_at);
        create table task_files (
            id uuid primary key,
            task_id uuid not null,
            name text not null,
            media_type text not null,
            size bigint not null,
            sha256 text not null,
            created_at timestamptz not null);
        create index task_files_task on task_files (task_id);
        create table task_steps (
            id uuid primary key,
            task_id uuid not null,
            number int not null,
            started_at timestamptz not null,
            ended_at timestamptz,
            outcome text,
            action text,
            action_input jsonb,
            action_error text,
            screenshot jsonb,
            input_tokens bigint not null default 0,
            output_tokens bigint not null default 0,
            cost numeric);
        create index task_steps_task on task_steps (task_id, number);
        -- Operational state, not a read model: leases live only here (see docs/adr/0007).
        create table task_queue (
            task_id uuid primary key,
            state text not null,
            priority_rank int not null,
            created_at timestamptz not null,
            scheduled_for timestamptz,
            desktop_id text,
            worker_id text,
            lease_epoch bigint not null default 0,
            lease_expires_at timestamptz);
        create index task_queue_ready on task_queue (priority_rank desc, created_at) where state = 'ready';
        """);

    public static readonly Migration StepAccounting = new(2, "per-step model, cache tokens, latency and action timings", """
        alter table task_steps
            add column model text,
            add column model_ms double precision,
            add column cache_read_tokens bigint not null default 0,
            add column cache_write_tokens bigint not null default 0,
            add column actions int not null default 0,
            add column action_ms double precision,
            add column settle_ms double precision,
            add column action_started_at timestamptz;
        """);

    // Marten's inline projections queue SQL into the append's batch and cannot read in between, so the steps that
    // read before they write (fence, status counts) are functions.
    public static readonly Migration AppendFunctions = new(3, "fence and status functions for the projections", """
        create function tasks_fence(p_task uuid, p_epoch bigint, p_worker text, p_starts_work boolean)
        returns void language plpgsql as $$
        declare q record;
        begin
            select lease_epoch, worker_id, state into q from task_queue where task_id = p_task for update;
            if not found then
                raise exception 'Task % is not in the queue any more.', p_task using errcode = 'BB001';
            end if;
            if q.lease_epoch <> p_epoch or q.worker_id is distinct from p_worker then
                raise exception 'Task % lease epoch % of worker % is stale; epoch % of % holds it.',
                    p_task, p_epoch, p_worker, q.lease_epoch, q.worker_id using errcode = 'BB001';
            end if;
            if q.state <> 'ready' and p_starts_work then
                raise exception 'Task % was stopped (%); its worker may not start new work.', p_task, q.state
                    using errcode = 'BB001';
            end if;
        end $$;
        create function tasks_count(p_status text, p_delta bigint) returns void language sql as $$
            insert into task_status_counts (status, count) values (p_status, p_delta)
            on conflict (status) do update set count = task_status_counts.count + excluded.count
        $$;
        create function tasks_set_status(p_id uuid, p_status text, p_at timestamptz) returns void language plpgsql as $$
        declare old text;
        begin
            select status into old from tasks where id = p_id for update;
            if not found then
                return;
            end if;
            update tasks set status = p_status, updated_at = greatest(updated_at, p_at) where id = p_id;
            if old <> p_status then
                perform tasks_count(old, -1);
                perform tasks_count(p_status, 1);
            end if;
        end $$;
        create function tasks_delete(p_id uuid) returns void language plpgsql as $$
        declare old text;
        begin
            delete from tasks where id = p_id returning status into old;
            if found then
                perform tasks_count(old, -1);
            end if;
            delete from task_messages where task_id = p_id;
            delete from task_summaries where task_id = p_id;
            delete from task_files where task_id = p_id;
            delete from task_steps where task_id = p_id;
        end $$;
        """);

    // One counter row per status serialised every append that changes a status on that row's lock until commit
    // (8 writers creating tasks queued on 'PENDING'); a slot per connection lets them commit side by side.
    public static readonly Migration ClaimIndexesAndCounterSlots = new(4, "status counters in slots, one per connection; claim indexes", """
        alter table task_status_counts add column slot int not null default 0;
        alter table task_status_counts drop constraint task_status_counts_pkey;
        alter table task_status_counts add primary key (status, slot);
        create or replace function tasks_count(p_status text, p_delta bigint) returns void language sql as $$
            insert into task_status_counts (status, slot, count) values (p_status, pg_backend_pid() % 16, p_delta)
            on conflict (status, slot) do update set count = task_status_counts.count + excluded.count
        $$;
        -- A claim looks for this desktop's own tasks, then for unpinned ones: an index each, in claim order, so
        -- neither sorts the ready rows nor walks past tasks pinned to other desktops.
        drop index task_queue_ready;
        create index task_queue_own on task_queue (desktop_id, priority_rank desc, created_at, task_id)
            where state = 'ready' and desktop_id is not null;
        create index task_queue_unpinned on task_queue (priority_rank desc, created_at, task_id)
            where state = 'ready' and desktop_id is null;
        """);

    // Filled by the async daemon from every event since the first (an existing database is backfilled on start).
    public static readonly Migration BlobReferences = new(5, "blob references of each task, for the blob collector", """
        create table task_blobs (sha256 text not null, task_id uuid not null, primary key (sha256, task_id));
        """);

    // step_id: the step that was newest when the approval was asked for (the gate runs inside a step).
    public static readonly Migration Approvals = new(6, "tool call approvals of each task, for its timeline", """
        create table task_approvals (
            approval_id uuid primary key,
            task_id uuid not null,
            step_id uuid,
            tool text not null,
            reason text not null,
            requested_at timestamptz,
            expires_at timestamptz,
            decision text,
            decided_by text,
            decided_reason text,
            decided_at timestamptz);
        create index task_approvals_step on task_approvals (task_id, step_id);
        """);

    // Existing rows get nulls: a task created before routing runs anywhere, as it did. node_lost_epoch is the lease
    // epoch a TaskNodeLost was recorded for, so hosts racing to mark the same loss record it once (the loser's append
    // is refused inside its transaction, BB002).
    public static readonly Migration Routing = new(7, "task routing by node, capabilities and fallbacks; lost nodes", """
        alter table task_queue
            add column node text,
            add column capabilities text[],
            add column fallback_nodes text[],
            add column node_lost_epoch bigint;
        alter table tasks
            add column node text,
            add column capabilities text[],
            add column fallback_nodes text[],
            add column lost_node text,
            add column node_lost_at timestamptz;
        create function tasks_node_lost(p_task uuid, p_epoch bigint) returns void language plpgsql as $$
        begin
            update task_queue set node_lost_epoch = p_epoch
            where task_id = p_task and lease_epoch = p_epoch and state = 'ready'
              and node_lost_epoch is distinct from p_epoch;
            if not found then
                raise exception 'Task % lease % is already marked, or moved on.', p_task, p_epoch using errcode = 'BB002';
            end if;
        end $$;
        """);

    // Existing rows get nulls: no tags, no due date, nothing to wait for, so they are claimed as before.
    public static readonly Migration Links = new(8, "task tags, due dates and dependencies", """
        alter table tasks
            add column tags text[],
            add column due_at timestamptz,
            add column depends_on uuid[];
        create index tasks_tags on tasks using gin (tags);
        alter table task_queue add column depends_on uuid[];
        """);

    // A step's figures enter the usage table once, when it ends (or, for a step that never ended, when its task
    // does), under the step's model and the quarter hour it started in: quarter hours, because every time zone's
    // offset today is a multiple of 15 minutes, so days and weeks in any zone are sums of whole buckets. The rows
    // outlive the task (money spent stays spent when a task is deleted). Existing steps are backfilled here.
    public static readonly Migration Usage = new(9, "usage per quarter hour and model, from the steps", """
        alter table task_steps add column in_usage boolean not null default false;
        create table task_usage (
            bucket timestamptz not null,
            model text not null,
            slot int not null,
            steps bigint not null default 0,
            actions bigint not null default 0,
            input_tokens bigint not null default 0,
            output_tokens bigint not null default 0,
            cache_read_tokens bigint not null default 0,
            cache_write_tokens bigint not null default 0,
            cost numeric not null default 0,
            model_ms double precision not null default 0,
            action_ms double precision not null default 0,
            settle_ms double precision not null default 0,
            primary key (bucket, model, slot));
        create function tasks_usage_add(p_task uuid, p_step uuid) returns void language sql as $$
            with counted as (
                update task_steps set in_usage = true
                where task_id = p_task and (p_step is null or id = p_step) and not in_usage
                returning started_at, model, actions, input_tokens, output_tokens, cache_read_tokens,
                    cache_write_tokens, cost, model_ms, action_ms, settle_ms)
            insert into task_usage as u (bucket, model, slot, steps, actions, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, cost, model_ms, action_ms, settle_ms)
            select date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00'), coalesce(model, ''),
                pg_backend_pid() % 16, count(*), sum(actions), sum(input_tokens), sum(output_tokens),
                sum(cache_read_tokens), sum(cache_write_tokens), coalesce(sum(cost), 0), coalesce(sum(model_ms), 0),
                coalesce(sum(action_ms), 0), coalesce(sum(settle_ms), 0)
            from counted group by 1, 2
            on conflict (bucket, model, slot) do update set steps = u.steps + excluded.steps,
                actions = u.actions + excluded.actions, input_tokens = u.input_tokens + excluded.input_tokens,
                output_tokens = u.output_tokens + excluded.output_tokens,
                cache_read_tokens = u.cache_read_tokens + excluded.cache_read_tokens,
                cache_write_tokens = u.cache_write_tokens + excluded.cache_write_tokens,
                cost = u.cost + excluded.cost, model_ms = u.model_ms + excluded.model_ms,
                action_ms = u.action_ms + excluded.action_ms, settle_ms = u.settle_ms + excluded.settle_ms
        $$;
        select tasks_usage_add(s.task_id, s.id) from task_steps s
        join tasks t on t.id = s.task_id
        where s.ended_at is not null or t.status not in ('RUNNING', 'PENDING');
        """);
}
