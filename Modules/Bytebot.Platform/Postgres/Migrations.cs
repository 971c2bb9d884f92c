using Bytebot.Platform.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bytebot.Platform.Postgres;

/// <summary>One hand-written schema change of a module. Once shipped, never edit it: add the next version.</summary>
public sealed record Migration(int Version, string Name, string Sql);

internal sealed record ModuleMigrations(string Module, IReadOnlyList<Migration> Migrations);

public static class MigrationRegistration
{
    /// <summary>Adds a module's migrations; they are applied at host start in version order.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, string module, params Migration[] migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Module '{module}' has two migrations with version {duplicate.Key}.", nameof(migrations));
        services.AddSingleton(new ModuleMigrations(module, migrations));
        return services;
    }
}

/// <summary>
/// Creates Marten's schema objects, then applies the modules' migrations (which may read Marten's tables), all
/// under one lock.
/// </summary>
/// <remarks>
/// The document store is resolved here rather than injected: it is built from the data source, which exists only
/// once <see cref="DatabaseLifecycle"/> has started the database, after this runner was constructed.
/// </remarks>
internal sealed class MigrationRunner(
    IEnumerable<ModuleMigrations> modules, IServiceProvider services, ILogger<MigrationRunner> logger)
{
    // Several hosts may share one database; the first to start migrates, the others wait and find nothing to do.
    private const long LockKey = 0x6279_7465_626f_7401;

    private const string CreateHistory = """
        create table if not exists schema_migrations (
            module text not null,
            version int not null,
            name text not null,
            applied_at timestamptz not null default now(),
            primary key (module, version))
        """;

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A session lock, held across Marten's own connection and the module transactions below.
        await Sql.ExecuteAsync(connection, null, $"select pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            await MartenEventStore.ApplySchemaAsync(services.GetRequiredService<IDocumentStore>());
            await ApplyModulesAsync(connection, cancellationToken);
        }
        finally
        {
            await Sql.ExecuteAsync(connection, null, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private async Task ApplyModulesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var module in modules.GroupBy(m => m.Module, StringComparer.Ordinal))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Sql.ExecuteAsync(connection, transaction, CreateHistory, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, transaction, module.Key, cancellationToken);
            foreach (var migration in module.SelectMany(m => m.Migrations).OrderBy(m => m.Version))
            {
                if (applied.Contains(migration.Version))
                    continue;
                await Sql.ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using var record = new NpgsqlCommand(
                    "insert into schema_migrations (module, version, name) values ($1, $2, $3)", connection, transaction)
                {
                    Parameters = { new() { Value = module.Key }, new() { Value = migration.Version }, new() { Value = migration.Name } },
                };
                await record.ExecuteNonQueryAsync(cancellationToken);
                logger.MigrationApplied(module.Key, migration.Version, migration.Name);
            }
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string module, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select version from schema_migrations where module = $1", connection, transaction)
        {
            Parameters = { new() { Value = module } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(reader.GetInt32(0));
        return versions;
    }
}
