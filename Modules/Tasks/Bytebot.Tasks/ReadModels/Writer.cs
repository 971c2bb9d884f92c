using Npgsql;

namespace Bytebot.Tasks.ReadModels;

/// <summary>Positional-parameter SQL on a connection (and transaction).</summary>
internal readonly struct Writer(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
{
    public async Task<int> ExecAsync(string sql, params object?[] values)
    {
        await using var command = Create(sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] values)
    {
        await using var command = Create(sql, values);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    public NpgsqlCommand Create(string sql, object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }
}
