using Bytebot.Platform.Postgres;

namespace Bytebot.Nodes;

internal static class NodesSchema
{
    public const string Module = "nodes";

    // Presence is operational state, not history: one row per node, overwritten by each heartbeat (see ADR 0056).
    public static readonly Migration Registry = new(1, "node registry and presence", """
        create table nodes (
            name text primary key,
            capabilities text[] not null,
            version text not null,
            width int not null,
            height int not null,
            last_seen_at timestamptz not null,
            stopped boolean not null default false,
            draining boolean not null default false);
        """);

    // The base URL other nodes reach this one at (the live view of a task on another node is bridged to it).
    public static readonly Migration Url = new(2, "node url", "alter table nodes add column url text;");
}
