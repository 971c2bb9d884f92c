using Bytebot.Nodes.Contracts;
using Bytebot.Platform.Postgres;
using Npgsql;

namespace Bytebot.Nodes.Presence;

/// <summary>The nodes table. Presence is judged by the database clock, so hosts with skewed clocks agree.</summary>
internal sealed class NodeRegistry(BytebotDatabase database, NodesOptions options) : INodeDirectory
{
    public async Task HeartbeatAsync(
        IReadOnlyList<string> capabilities, int width, int height, string version, Uri? url,
        CancellationToken cancellationToken)
    {
        await ExecuteAsync("""
            insert into nodes (name, capabilities, version, width, height, last_seen_at, stopped, url)
            values ($1, $2, $3, $4, $5, clock_timestamp(), false, $6)
            on conflict (name) do update set capabilities = excluded.capabilities, version = excluded.version,
                width = excluded.width, height = excluded.height, last_seen_at = excluded.last_seen_at, stopped = false,
                url = excluded.url
            """, cancellationToken, options.Name, capabilities.ToArray(), version, width, height,
            url?.ToString() ?? (object)DBNull.Value);
    }

    public Task MarkStoppedAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("update nodes set stopped = true where name = $1", cancellationToken, options.Name);

    /// <summary>False when no node has that name.</summary>
    public async Task<bool> SetDrainingAsync(string name, bool draining, CancellationToken cancellationToken) =>
        await ExecuteAsync("update nodes set draining = $2 where name = $1", cancellationToken, name, draining) == 1;

    public async Task<IReadOnlyList<NodePresence>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            select name, capabilities, version, width, height, last_seen_at,
                   stopped or last_seen_at < clock_timestamp() - $1, draining, url
            from nodes order by name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = options.OfflineAfter });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var nodes = new List<NodePresence>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = reader.GetBoolean(6) ? NodeStatus.Offline
                : reader.GetBoolean(7) ? NodeStatus.Draining : NodeStatus.Online;
            nodes.Add(new NodePresence(reader.GetString(0), reader.GetFieldValue<string[]>(1), status,
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(3), reader.GetInt32(4), reader.GetString(2),
                reader.IsDBNull(8) ? null : new Uri(reader.GetString(8))));
        }
        return nodes;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
