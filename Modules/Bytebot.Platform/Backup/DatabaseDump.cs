using System.Data;
using System.Globalization;
using Bytebot.Platform.Postgres;
using Npgsql;

namespace Bytebot.Platform.Backup;

/// <summary>
/// pg_dump of the product's database in one snapshot, and the event store's counts read in that same snapshot, so the
/// manifest's counts are the dump's. The snapshot is exported from a repeatable-read transaction kept open until
/// pg_dump has finished (pg_dump --snapshot).
/// </summary>
internal static class DatabaseDump
{
    public sealed record Taken(string ServerVersion, long Events, long Streams);

    public static async Task<Taken> WriteAsync(
        BytebotDatabase database, string file, CancellationToken cancellationToken)
    {
        var connectionString = database.ConnectionString
            ?? throw new InvalidOperationException("The database is not started yet.");
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var snapshot = await connection.BeginTransactionAsync(
            IsolationLevel.RepeatableRead, cancellationToken);
        var snapshotId = await ScalarAsync(connection, snapshot, "select pg_export_snapshot()", cancellationToken);
        var taken = new Taken(
            await ScalarAsync(connection, snapshot, "show server_version", cancellationToken),
            long.Parse(await ScalarAsync(connection, snapshot, "select count(*) from mt_events", cancellationToken),
                CultureInfo.InvariantCulture),
            long.Parse(await ScalarAsync(connection, snapshot, "select count(*) from mt_streams", cancellationToken),
                CultureInfo.InvariantCulture));
        // The Debian 15 tools, as the managed cluster uses; an external server newer than 15 needs newer tools.
        await PostgresClientTool.RunAsync(
            Path.Combine(ManagedPostgresOptions.DebianBinDirectory, "pg_dump"), connectionString,
            ["--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshotId, "--file=" + file],
            cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        return taken;
    }

    private static async Task<string> ScalarAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture)!;
    }
}
