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

    // Secrets are stored as SHA-256 of 256 random bits: no slow hash is needed against guessing (ADR 0065).
    public static readonly Migration Credentials = new(3, "join tokens and node credentials", """
        create table node_join_tokens (
            id uuid primary key,
            hash bytea not null unique,
            node text,
            created_at timestamptz not null,
            expires_at timestamptz not null,
            used_at timestamptz,
            used_by text);
        create table node_credentials (
            name text primary key,
            hash bytea not null,
            created_at timestamptz not null,
            last_used_at timestamptz,
            revoked_at timestamptz);
        """);
}
