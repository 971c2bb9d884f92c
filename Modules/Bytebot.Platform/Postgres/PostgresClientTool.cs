using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Bytebot.Platform.Postgres;

/// <summary>
/// Runs a PostgreSQL client tool (pg_dump, pg_restore) as the host user against the server a connection string names.
/// The password goes in <c>PGPASSWORD</c>, never on the command line, where any local user could read it in /proc.
/// </summary>
internal static class PostgresClientTool
{
    public static async Task RunAsync(
        string tool, string connectionString, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        var startInfo = new ProcessStartInfo(tool);
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        startInfo.Environment["PGHOST"] = server.Host;
        startInfo.Environment["PGPORT"] = server.Port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["PGUSER"] = server.Username;
        startInfo.Environment["PGPASSWORD"] = server.Password;
        startInfo.Environment["PGDATABASE"] = server.Database;
        var (exitCode, output) = await ClusterUser.RunProcessAsync(startInfo, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {exitCode}: {output.Trim()}");
    }
}
