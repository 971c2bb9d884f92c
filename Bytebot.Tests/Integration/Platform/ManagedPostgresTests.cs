using System.Runtime.Versioning;
using Bytebot.Platform.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Bytebot.Tests.Integration.Platform;

[SupportedOSPlatform("linux")]
public sealed class ManagedPostgresTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "bytebot-pg-" + Guid.NewGuid().ToString("N"));

    private string ClusterDirectory => Path.Combine(_dataDirectory, "postgres");

    [Fact]
    public async Task First_start_initializes_a_cluster_and_the_next_start_reuses_it()
    {
        var first = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory), cancellationToken: TestContext.Current.CancellationToken);
        first.Initialized.ShouldBeTrue();
        await ExecuteAsync(first, "create table survives_restarts (id int)");
        var initializedAt = File.GetLastWriteTimeUtc(Path.Combine(ClusterDirectory, "PG_VERSION"));
        File.GetUnixFileMode(Path.Combine(_dataDirectory, "postgres-password"))
            .ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var firstPid = PostmasterPid();
        await first.StopAsync(TestContext.Current.CancellationToken);
        Postmaster.IsPostgresProcess(firstPid).ShouldBeFalse();

        await using var second = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory), cancellationToken: TestContext.Current.CancellationToken);

        second.Initialized.ShouldBeFalse();
        second.Adopted.ShouldBeFalse();
        File.GetLastWriteTimeUtc(Path.Combine(ClusterDirectory, "PG_VERSION")).ShouldBe(initializedAt);
        await ExecuteAsync(second, "select count(*) from survives_restarts");
        var secondPid = PostmasterPid();
        await second.StopAsync(TestContext.Current.CancellationToken);
        Postmaster.IsPostgresProcess(secondPid).ShouldBeFalse();
        File.Exists(Path.Combine(ClusterDirectory, "postmaster.pid")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_initdb_interrupted_by_a_crash_is_redone_instead_of_trusted()
    {
        // What a host killed during initdb leaves: a staging directory with PG_VERSION and nothing usable.
        var staging = Directory.CreateDirectory(ClusterDirectory + ".initializing").FullName;
        await File.WriteAllTextAsync(Path.Combine(staging, "PG_VERSION"), "15\n", TestContext.Current.CancellationToken);

        await using var postgres = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory), cancellationToken: TestContext.Current.CancellationToken);

        postgres.Initialized.ShouldBeTrue();
        Directory.Exists(staging).ShouldBeFalse();
        await ExecuteAsync(postgres, "select 1");
    }

    [Fact]
    public async Task A_cluster_left_running_by_a_crashed_owner_is_adopted_and_stopped_by_the_next()
    {
        var crashed = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory), cancellationToken: TestContext.Current.CancellationToken);
        var pid = PostmasterPid();

        var next = await ManagedPostgres.StartAsync(new ManagedPostgresOptions(_dataDirectory), cancellationToken: TestContext.Current.CancellationToken);

        next.Adopted.ShouldBeTrue();
        next.Port.ShouldBe(crashed.Port);
        await ExecuteAsync(next, "select 1");
        await next.StopAsync(TestContext.Current.CancellationToken);
        Postmaster.IsPostgresProcess(pid).ShouldBeFalse();
    }

    [Fact]
    public async Task A_pid_file_left_by_a_killed_postmaster_whose_pid_is_now_another_process_does_not_block_a_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new ManagedPostgresOptions(_dataDirectory);
        var first = await ManagedPostgres.StartAsync(options, cancellationToken: ct);
        var pidFilePath = Path.Combine(ClusterDirectory, "postmaster.pid");
        var pidFile = await File.ReadAllLinesAsync(pidFilePath, ct);
        await first.StopAsync(ct);
        // What a container restarted after `docker kill` finds: the old pid file, its pid now another live process of
        // the cluster's user (postgres ignores a pid it may not signal).
        using var other = ClusterUser.HostIsRoot
            ? System.Diagnostics.Process.Start("setpriv",
                ["--reuid=postgres", "--regid=postgres", "--clear-groups", "sleep", "120"])
            : System.Diagnostics.Process.Start("sleep", "120");
        pidFile[0] = other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(pidFilePath, pidFile, ct);
        try
        {
            await using var next = await ManagedPostgres.StartAsync(options, cancellationToken: ct);

            next.Adopted.ShouldBeFalse();
            PostmasterPid().ShouldNotBe(other.Id);
            await ExecuteAsync(next, "select 1");
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task A_host_without_a_connection_string_runs_its_own_migrated_cluster_and_stops_it()
    {
        var host = await PlatformHost.StartAsync(new Dictionary<string, string?> { ["BYTEBOT_DATA_DIR"] = _dataDirectory });
        var pid = PostmasterPid();
        try
        {
            var database = host.Services.GetRequiredService<BytebotDatabase>();
            database.IsManaged.ShouldBeTrue();
            var health = await host.Services.GetRequiredService<HealthCheckService>()
                .CheckHealthAsync(r => r.Tags.Contains("ready"), TestContext.Current.CancellationToken);
            health.Entries.Keys.ShouldContain("database");
            health.Status.ShouldBe(HealthStatus.Healthy);
            await using var migrated = database.DataSource.CreateCommand(
                "select count(*) from schema_migrations where module = 'platform' and version = 2");
            ((long)(await migrated.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(1);
        }
        finally
        {
            await PlatformHost.StopAsync(host);
        }
        Postmaster.IsPostgresProcess(pid).ShouldBeFalse();
    }

    [Fact]
    public async Task As_root_a_private_ancestor_of_the_data_dir_gets_only_the_search_bit()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Only a root host runs the cluster as the postgres user.");
        var privateDirectory = Directory.CreateDirectory(Path.Combine(_dataDirectory, "private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await using var postgres = await ManagedPostgres.StartAsync(
            new ManagedPostgresOptions(Path.Combine(privateDirectory.FullName, "data")), cancellationToken: TestContext.Current.CancellationToken);

        File.GetUnixFileMode(privateDirectory.FullName).ShouldBe(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        await ExecuteAsync(postgres, "select 1");
    }

    private int PostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(ClusterDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(ManagedPostgres postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // A failed test may leave its cluster running.
        if (Postmaster.FindRunning(ClusterDirectory) is not null)
            await ClusterUser.RunAsync("/usr/lib/postgresql/15/bin/pg_ctl", ["-D", ClusterDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
    }
}
