using Bytebot.Platform.Postgres;

namespace Bytebot.Tasks.Schedules;

/// <summary>Schedules and what each occurrence did; a module of their own, so their versions never meet the tasks'.</summary>
internal static class SchedulesSchema
{
    public const string Module = "task_schedules";

    /// <summary>PostgreSQL's code for an occurrence that is not the schedule's next one any more.</summary>
    public const string StaleOccurrence = "BB003";

    // task_schedule_fire runs in the transaction that starts the occurrence's task: its row lock orders racing fires,
    // and a fire for an occurrence that was paused, deleted or already run raises, so the task is not written either.
    public static readonly Migration Schedules = new(1, "recurring tasks and their occurrences", """
        create table task_schedules (
            id uuid primary key,
            name text not null,
            cron text not null,
            time_zone text not null,
            missed text not null,
            draft jsonb not null,
            paused boolean not null default false,
            next_run_at timestamptz,
            runs integer not null default 0,
            skipped integer not null default 0,
            last_run_at timestamptz,
            last_task_id uuid,
            created_at timestamptz not null,
            updated_at timestamptz not null
        );
        create table task_schedule_runs (
            schedule_id uuid not null references task_schedules (id) on delete cascade,
            occurrence timestamptz not null,
            fired_at timestamptz not null,
            task_id uuid,
            outcome text not null,
            detail text,
            primary key (schedule_id, occurrence)
        );
        create function task_schedule_fire(
            p_id uuid, p_occurrence timestamptz, p_next timestamptz, p_task uuid, p_outcome text, p_detail text,
            p_at timestamptz)
        returns void language plpgsql as $$
        declare v_task uuid := nullif(p_task, '00000000-0000-0000-0000-000000000000');
        begin
            update task_schedules set
                next_run_at = p_next,
                runs = runs + case when v_task is null then 0 else 1 end,
                skipped = skipped + case when v_task is null then 1 else 0 end,
                last_run_at = p_at,
                last_task_id = coalesce(v_task, last_task_id),
                updated_at = p_at
            where id = p_id and next_run_at = p_occurrence and not paused;
            if not found then
                raise exception 'Schedule % is not due at % any more.', p_id, p_occurrence using errcode = 'BB003';
            end if;
            insert into task_schedule_runs (schedule_id, occurrence, fired_at, task_id, outcome, detail)
            values (p_id, p_occurrence, p_at, v_task, p_outcome, nullif(p_detail, ''));
        end $$;
        """);
}
