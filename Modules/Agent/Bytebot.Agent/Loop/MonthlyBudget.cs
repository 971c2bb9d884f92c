using System.Globalization;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Loop;

/// <summary>
/// <c>Agent:Limits:MonthlyCost</c>: once the steps that started this calendar month (UTC) cost that many US dollars,
/// no new run starts and a running task fails at its next step. A new month, or a higher limit after a restart, lets
/// waiting tasks run.
/// </summary>
internal sealed class MonthlyBudget(AgentOptions options, IUsageTotals usage, TimeProvider clock) : IRunBudget
{
    public async Task<string?> RefusalAsync(CancellationToken cancellationToken)
    {
        if (options.Limits.MonthlyCost is not { } limit)
            return null;
        var now = clock.GetUtcNow();
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var spent = await usage.CostSinceAsync(month, cancellationToken);
        return spent < limit
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"monthly budget of ${limit:0.####} reached " +
                $"(${spent:0.####} spent in {month:yyyy-MM} UTC; Agent:Limits:MonthlyCost)");
    }
}
