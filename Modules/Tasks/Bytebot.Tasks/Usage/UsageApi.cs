using Bytebot.Tasks.Api;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Tasks.Usage;

internal static class UsageApi
{
    public static async Task<IResult> GetAsync(UsageReports reports, TimeProvider clock, string? from, string? to,
        string? by, string? tz, CancellationToken cancellationToken)
    {
        var (query, field, error) = UsageQuery.Parse(from, to, by, tz, clock.GetUtcNow());
        return query is null
            ? TaskProblems.Invalid(field!, error!)
            : TypedResults.Ok(await reports.GetAsync(query, cancellationToken));
    }
}

/// <summary>No budget is configured (or no agent module is composed): runs are never refused.</summary>
internal sealed class UnlimitedRuns : IRunBudget
{
    public Task<string?> RefusalAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
