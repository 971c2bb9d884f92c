using System.Net.Http.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>A clock the test moves by hand; timers stay real.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Hosts and helpers for the task tests: External desktop (no Xvfb needed) and a fresh database.</summary>
internal static class TasksHost
{
    public static Dictionary<string, string?> Settings(string desktopId, string actionLog) => new()
    {
        ["Desktop:Mode"] = "External",
        ["DISPLAY"] = TestDisplays.Unreachable,
        ["Desktop:Vnc"] = "false",
        ["Tasks:DesktopId"] = desktopId,
        ["Tasks:PollInterval"] = "00:00:00.200",
        ["Scripted:ActionLog"] = actionLog,
        ["Security:RateLimitBurst"] = "100000",
    };

    public static BytebotHostFactory Create(string connectionString, Dictionary<string, string?> settings, ITaskAgent? agent = null, TimeProvider? clock = null) =>
        new(connectionString, settings)
        {
            TestServices = services =>
            {
                if (agent is not null)
                    services.AddSingleton(agent);
                if (clock is not null)
                    services.AddSingleton(clock);
            },
        };

    public static async Task<Guid> CreateTaskAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/tasks", body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        return created.GetProperty("id").GetGuid();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        while (!await condition())
            await Task.Delay(100, cts.Token);
    }

    /// <summary>Appends as the holder of <paramref name="lease"/> would, through the fence.</summary>
    public static Task<long> AppendAsync(
        BytebotHostFactory factory, Guid taskId, Bytebot.Tasks.Queue.Lease lease, object data) =>
        Bytebot.Tasks.Events.TaskStreams.AppendAsync(factory.Services.GetRequiredService<Marten.IDocumentStore>(),
            taskId, null, lease, [data], TestContext.Current.CancellationToken);
}

/// <summary>Measured figures (never asserted as wall-clock limits) collected in artifacts/ for the closing report.</summary>
internal static class Measurements
{
    private static readonly Lock Gate = new();

    public static void Record(string line)
    {
        var path = Path.Combine(RepositoryRoot.Find(), "artifacts", "tasks-measurements.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lock (Gate)
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:O} {line}\n");
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
