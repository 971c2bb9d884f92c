namespace Bytebot.Tasks.Contracts;

/// <summary>What the tasks' model calls have cost, summed from the steps' recorded usage.</summary>
public interface IUsageTotals
{
    /// <summary>
    /// US dollars spent by the steps that started at or after <paramref name="since"/> (a whole quarter hour, such as
    /// the start of a UTC month), counted when each step ended; the step a run is in is not counted yet.
    /// </summary>
    Task<decimal> CostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// Whether a new run may start now (a budget over all tasks); the queue claims no new task while it refuses, and a
/// waiting task shows the refusal as its <c>waitingFor</c>.
/// </summary>
public interface IRunBudget
{
    /// <summary>Why no new run may start now (such as "monthly budget of $5 reached"), or null when one may.</summary>
    Task<string?> RefusalAsync(CancellationToken cancellationToken);
}
