using System.Globalization;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.ReadModels;
using Npgsql;

namespace Bytebot.Tasks.Usage;

/// <summary>
/// Sums of the steps' figures (<see cref="Api.TaskTotals"/>, summed over tasks) per period or per model, and the tasks
/// created per period by status. <c>Period</c> is the period's first day (by day or week); <c>Model</c> the model id
/// that answered the steps ("" for steps that called none), by model.
/// </summary>
internal sealed record UsageRow(
    string? Period, string? Model, DateTimeOffset Start, DateTimeOffset End, long Steps, long Actions,
    long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens, decimal Cost, double ModelMs,
    double ActionMs, double SettleMs, IReadOnlyDictionary<string, long>? Tasks);

internal sealed record UsageReport(
    string From, string To, string By, string TimeZone, IReadOnlyList<UsageRow> Rows, UsageRow Total);

/// <summary>Reads <c>task_usage</c> (quarter hours, see <see cref="TasksSchema.Usage"/>) and the task list.</summary>
internal sealed class UsageReports(BytebotDatabase database) : IUsageTotals
{
    private const string Sums = """
        coalesce(sum(u.steps), 0)::bigint, coalesce(sum(u.actions), 0)::bigint,
        coalesce(sum(u.input_tokens), 0)::bigint, coalesce(sum(u.output_tokens), 0)::bigint,
        coalesce(sum(u.cache_read_tokens), 0)::bigint, coalesce(sum(u.cache_write_tokens), 0)::bigint,
        coalesce(sum(u.cost), 0), coalesce(sum(u.model_ms), 0),
        coalesce(sum(u.action_ms), 0), coalesce(sum(u.settle_ms), 0)
        """;

    public async Task<decimal> CostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await new Writer(connection, null, cancellationToken)
            .ScalarAsync<decimal>("select coalesce(sum(cost), 0) from task_usage where bucket >= $1", since);
    }

    public async Task<UsageReport> GetAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        IReadOnlyList<(string Label, DateTimeOffset Start, DateTimeOffset End)> periods =
            query.By == UsageGrouping.Model ? [("", query.Start, query.End)] : query.Periods();
        DateTimeOffset[] starts = [.. periods.Select(p => p.Start)];
        DateTimeOffset[] ends = [.. periods.Select(p => p.End)];
        var tasks = await TasksAsync(connection, starts, ends, cancellationToken);
        var rows = new List<UsageRow>();
        if (query.By == UsageGrouping.Model)
        {
            await using var command = new Writer(connection, null, cancellationToken).Create($"""
                select u.model, {Sums} from task_usage u where u.bucket >= $1 and u.bucket < $2
                group by u.model order by sum(u.cost) desc, u.model
                """, [query.Start, query.End]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(Read(reader, null, reader.GetString(0), query.Start, query.End, null));
        }
        else
        {
            var found = new Dictionary<long, UsageRow>();
            await using (var command = new Writer(connection, null, cancellationToken).Create($"""
                select p.n, {Sums} from unnest($1::timestamptz[], $2::timestamptz[]) with ordinality as p(s, e, n)
                join task_usage u on u.bucket >= p.s and u.bucket < p.e group by p.n
                """, [starts, ends]))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    found[reader.GetInt64(0)] = Read(reader, null, null, default, default, null);
            }
            for (var i = 0; i < periods.Count; i++)
            {
                var (label, start, end) = periods[i];
                var row = found.GetValueOrDefault(i + 1) ?? Empty(start, end);
                rows.Add(row with
                {
                    Period = label, Start = start, End = end, Tasks = tasks.GetValueOrDefault(i + 1) ?? [],
                });
            }
        }
        var total = rows.Aggregate(Empty(query.Start, query.End), (sum, r) => sum with
        {
            Steps = sum.Steps + r.Steps, Actions = sum.Actions + r.Actions,
            InputTokens = sum.InputTokens + r.InputTokens, OutputTokens = sum.OutputTokens + r.OutputTokens,
            CacheReadTokens = sum.CacheReadTokens + r.CacheReadTokens,
            CacheWriteTokens = sum.CacheWriteTokens + r.CacheWriteTokens, Cost = sum.Cost + r.Cost,
            ModelMs = sum.ModelMs + r.ModelMs, ActionMs = sum.ActionMs + r.ActionMs,
            SettleMs = sum.SettleMs + r.SettleMs,
        }) with
        {
            Tasks = tasks.Values.SelectMany(t => t).GroupBy(t => t.Key)
                .ToDictionary(g => g.Key, g => g.Sum(t => t.Value)),
        };
        return new UsageReport(query.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            query.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), query.By.ToString().ToLowerInvariant(),
            query.Zone.Id, rows, total);
    }

    // Tasks created in each period, by their status now; deleted tasks are gone from the list and from these counts.
    private static async Task<Dictionary<long, Dictionary<string, long>>> TasksAsync(
        NpgsqlConnection connection, DateTimeOffset[] starts, DateTimeOffset[] ends,
        CancellationToken cancellationToken)
    {
        await using var command = new Writer(connection, null, cancellationToken).Create("""
            select p.n, t.status, count(*)
            from unnest($1::timestamptz[], $2::timestamptz[]) with ordinality as p(s, e, n)
            join tasks t on t.created_at >= p.s and t.created_at < p.e group by 1, 2
            """, [starts, ends]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<long, Dictionary<string, long>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var n = reader.GetInt64(0);
            if (!counts.TryGetValue(n, out var statuses))
                counts[n] = statuses = [];
            statuses[reader.GetString(1)] = reader.GetInt64(2);
        }
        return counts;
    }

    private static UsageRow Empty(DateTimeOffset start, DateTimeOffset end) =>
        new(null, null, start, end, 0, 0, 0, 0, 0, 0, 0m, 0, 0, 0, null);

    private static UsageRow Read(NpgsqlDataReader r, string? period, string? model, DateTimeOffset start,
        DateTimeOffset end, IReadOnlyDictionary<string, long>? tasks) => new(
        period, model, start, end, r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5),
        r.GetInt64(6), r.GetDecimal(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), tasks);
}
