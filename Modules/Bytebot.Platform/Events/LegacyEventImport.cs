using Bytebot.Platform.Postgres;

namespace Bytebot.Platform.Events;

/// <summary>
/// Copies the events the hand-written store kept in <c>events</c> (schema of platform migration 1) into Marten's
/// tables, keeping ids, versions, times, metadata (as headers) and global positions (as sequence numbers, so
/// SSE clients resume with the ids they hold). It runs once, in the migration's transaction with its history row,
/// so a crash leaves either nothing or everything copied; on a database without <c>events</c> it does nothing.
/// The old table stays as it was, read by nothing.
/// </summary>
internal static class LegacyEventImport
{
    public const string Module = "platform";

    public static readonly Migration Migration = new(2, "copy the old store's events into Marten", """
        do $$
        begin
            if to_regclass('events') is null then
                return;
            end if;
            insert into mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
            select substr(stream_id, 6)::uuid, null, max(version), max(created_at), min(created_at), '*DEFAULT*', false
            from events where stream_id like 'task-%' group by stream_id;
            insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
                is_archived, headers)
            select global_position, event_id, substr(stream_id, 6)::uuid, version, data, type, created_at, '*DEFAULT*',
                null, false, metadata
            from events where stream_id like 'task-%' order by global_position;
            perform setval('mt_events_sequence', greatest((select max(seq_id) from mt_events), 1));
        end $$;
        """);
}
