using System.Globalization;
using System.Security.Cryptography;
using Bytebot.Platform.Os;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Bytebot.Platform.Postgres;

public sealed record ManagedPostgresOptions(string DataDirectory)
{
    public int? Port { get; init; }
    public const string DebianBinDirectory = "/usr/lib/postgresql/15/bin";

    public string BinDirectory { get; init; } = DebianBinDirectory;
}

/// <summary>
/// A private PostgreSQL cluster in <c>{DataDir}/postgres</c>, listening on loopback only. It is created on
/// first start, reused later, adopted when a crashed owner left it running, and stopped on dispose.
/// </summary>
public sealed class ManagedPostgres : IAsyncDisposable
{
    public const string UserName = "bytebot";
    public const string DatabaseName = "bytebot";

    private readonly ManagedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string _password;
    private bool _stopped;

    private ManagedPostgres(ManagedPostgresOptions options, ILogger logger, string password)
    {
        _options = options;
        _logger = logger;
        _password = password;
    }

    public string ClusterDirectory => Path.Combine(_options.DataDirectory, "postgres");

    public int Port { get; private set; }

    /// <summary>True when this start ran initdb.</summary>
    public bool Initialized { get; private set; }

    /// <summary>True when this start found the cluster already running and took it over.</summary>
    public bool Adopted { get; private set; }

    public string ConnectionString(string database = DatabaseName) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = UserName,
        Password = _password,
        Database = database,
    }.ConnectionString;

    public static async Task<ManagedPostgres> StartAsync(
        ManagedPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(options.DataDirectory);
        var password = await ReadOrCreatePasswordAsync(Path.Combine(options.DataDirectory, "postgres-password"), cancellationToken);
        var postgres = new ManagedPostgres(options, logger, password);
        await postgres.StartClusterAsync(cancellationToken);
        await postgres.CreateDatabaseIfMissingAsync(cancellationToken);
        return postgres;
    }

    private async Task StartClusterAsync(CancellationToken cancellationToken)
    {
        await ClusterUser.EnsureTraversableAsync(_options.DataDirectory, _logger, cancellationToken);
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
            await InitializeAsync(cancellationToken);

        if (Postmaster.FindRunning(ClusterDirectory) is { } running)
        {
            Port = running.Port;
            Adopted = true;
            _logger.ClusterAdopted(running.Pid, Port);
            return;
        }
        if (Postmaster.RemoveStalePidFile(ClusterDirectory) is { } stalePid)
            _logger.ClusterStalePidFileRemoved(stalePid);

        var logFile = Path.Combine(_options.DataDirectory, "postgres.log");
        if (!File.Exists(logFile))
        {
            await File.WriteAllTextAsync(logFile, "", cancellationToken);
            await ClusterUser.GiveAsync(logFile, cancellationToken);
        }
        for (var attempt = 1; ; attempt++)
        {
            Port = _options.Port ?? LoopbackPort.Free();
            try
            {
                await ClusterUser.RunAsync(Tool("pg_ctl"),
                    ["-D", ClusterDirectory, "-l", logFile, "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-w", "start"],
                    cancellationToken);
                _logger.ClusterStarted(Port);
                return;
            }
            // A free port can be taken by someone else between probing and binding it.
            catch (InvalidOperationException exception) when (_options.Port is null && attempt < 3)
            {
                _logger.ClusterPortTaken(exception, Port);
            }
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // initdb writes PG_VERSION early, so a host killed during it would leave a half-made cluster that later
        // starts would trust. It works in a side directory that only becomes the cluster by a rename when complete.
        var staging = ClusterDirectory + ".initializing";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        await ClusterUser.GiveAsync(staging, cancellationToken);
        // The kept password file stays readable by the host user only; initdb gets a copy it can read.
        var passwordCopy = Path.Combine(Path.GetTempPath(), "bytebot-initdb-" + Guid.NewGuid().ToString("N"));
        try
        {
            await WritePrivateFileAsync(passwordCopy, _password, cancellationToken);
            await ClusterUser.GiveAsync(passwordCopy, cancellationToken);
            await ClusterUser.RunAsync(Tool("initdb"),
                ["-D", staging, "-U", UserName, "--auth=scram-sha-256", "--pwfile=" + passwordCopy,
                 "--encoding=UTF8", "--locale=C.UTF-8"],
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordCopy);
        }
        // No unix socket: nothing but loopback TCP with a password reaches the cluster.
        await File.AppendAllTextAsync(Path.Combine(staging, "postgresql.conf"),
            "\n# bytebot\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n", cancellationToken);
        if (Directory.Exists(ClusterDirectory))
            Directory.Delete(ClusterDirectory, recursive: true);
        Directory.Move(staging, ClusterDirectory);
        Initialized = true;
        _logger.ClusterInitialized(ClusterDirectory);
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
        {
            Parameters = { new() { Value = DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
            return;
        var postmaster = Postmaster.FindRunning(ClusterDirectory);
        await ClusterUser.RunAsync(Tool("pg_ctl"), ["-D", ClusterDirectory, "-m", "fast", "-w", "stop"], cancellationToken);
        // pg_ctl reports "stopped" once postmaster.pid is gone, which the postmaster removes just before it exits;
        // "no postmaster left behind" means waiting for the process itself.
        for (var waited = 0; postmaster is not null && Postmaster.IsPostgresProcess(postmaster.Pid) && waited < 10_000; waited += 20)
            await Task.Delay(20, CancellationToken.None);
        _stopped = true;
        _logger.ClusterStopped();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string Tool(string name) => Path.Combine(_options.BinDirectory, name);

    private static async Task<string> ReadOrCreatePasswordAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await WritePrivateFileAsync(path, password, cancellationToken);
        return password;
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken);
    }
}
