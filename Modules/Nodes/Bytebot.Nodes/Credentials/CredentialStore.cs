using System.Security.Cryptography;
using System.Text;
using Bytebot.Nodes.Contracts;
using Bytebot.Platform.Postgres;
using Npgsql;

namespace Bytebot.Nodes.Credentials;

internal sealed record JoinToken(string Token, string? Node, DateTimeOffset ExpiresAt);

internal sealed record NodeCredentialView(
    string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked, DateTimeOffset? RevokedAt);

/// <summary>
/// Join tokens and node credentials in the shared database, each stored as the SHA-256 of its secret. Times are the
/// database clock's, as for presence, so hosts with skewed clocks agree on what has expired.
/// </summary>
internal sealed class CredentialStore(BytebotDatabase database) : INodeAuthenticator
{
    public async Task<JoinToken> CreateJoinTokenAsync(
        string? node, TimeSpan expiresIn, CancellationToken cancellationToken)
    {
        var token = NewSecret("bbj_");
        await using var command = database.DataSource.CreateCommand("""
            insert into node_join_tokens (id, hash, node, created_at, expires_at)
            values ($1, $2, $3, clock_timestamp(), clock_timestamp() + $4) returning expires_at
            """);
        Add(command, Guid.CreateVersion7(), Hash(token), node ?? (object)DBNull.Value, expiresIn);
        var expiresAt = (DateTime)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new JoinToken(token, node, new DateTimeOffset(expiresAt, TimeSpan.Zero));
    }

    /// <summary>
    /// Consumes the join token and stores the credential for <paramref name="name"/> in one transaction (replacing a
    /// revoked or lost one); returns null, or why the token was refused.
    /// </summary>
    public async Task<string?> ExchangeAsync(
        string name, string joinToken, string secret, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var consume = new NpgsqlCommand("""
            update node_join_tokens set used_at = clock_timestamp(), used_by = $2
            where hash = $1 and used_at is null and expires_at > clock_timestamp() and (node is null or node = $2)
            """, connection, transaction);
        Add(consume, Hash(joinToken), name);
        if (await consume.ExecuteNonQueryAsync(cancellationToken) == 0)
            return await RefusalAsync(connection, transaction, joinToken, cancellationToken);
        await using var store = new NpgsqlCommand("""
            insert into node_credentials (name, hash, created_at) values ($1, $2, clock_timestamp())
            on conflict (name) do update set hash = excluded.hash, created_at = excluded.created_at,
                last_used_at = null, revoked_at = null
            """, connection, transaction);
        Add(store, name, Hash(secret));
        await store.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<bool> AuthenticateAsync(string name, string secret, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            update node_credentials set last_used_at = clock_timestamp()
            where name = $1 and hash = $2 and revoked_at is null
            """);
        Add(command, name, Hash(secret));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<NodeCredentialView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "select name, created_at, last_used_at, revoked_at from node_credentials order by name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var credentials = new List<NodeCredentialView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var revokedAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(3);
            credentials.Add(new NodeCredentialView(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), revokedAt is not null, revokedAt));
        }
        return credentials;
    }

    /// <summary>False when <paramref name="name"/> never joined; revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "update node_credentials set revoked_at = coalesce(revoked_at, clock_timestamp()) where name = $1");
        Add(command, name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>256 random bits, URL-safe, with a prefix so secret scanners can recognise a leaked one.</summary>
    public static string NewSecret(string prefix) => prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static async Task<string> RefusalAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string joinToken,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select used_by, expires_at <= clock_timestamp(), node from node_join_tokens where hash = $1",
            connection, transaction);
        Add(command, Hash(joinToken));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return "it is not a join token of this database";
        return !reader.IsDBNull(0) ? $"it was used already (by {reader.GetString(0)})"
            : reader.GetBoolean(1) ? "it has expired"
            : $"it is for node {reader.GetString(2)}";
    }

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
    }
}
