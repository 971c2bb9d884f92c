using Bytebot.Platform.Postgres;

namespace Bytebot.Platform.Events;

internal static class EventStoreSchema
{
    public const string Module = "platform";

    public static readonly Migration CreateEvents = new(1, "create event store", """
        create table events (
            global_position bigserial not null unique,
            stream_id text not null,
            version int not null,
            event_id uuid not null unique,
            type text not null,
            data jsonb not null,
            metadata jsonb not null default '{}',
            created_at timestamptz not null default now(),
            primary key (stream_id, version));
        create table subscription_checkpoints (
            name text primary key,
            position bigint not null);
        """);
}
