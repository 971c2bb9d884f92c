namespace Bytebot.Tasks.Contracts;

/// <summary>What a task has cost and what its screen last looked like, for modules that report on it.</summary>
public interface ITaskReports
{
    /// <summary>The task's report, or null when no such task exists.</summary>
    Task<TaskReport?> GetAsync(Guid taskId, CancellationToken cancellationToken);
}

/// <summary>A task's sums over its steps and its newest screenshot.</summary>
/// <param name="Steps">Steps run, over every run of the task.</param>
/// <param name="InputTokens">Model input tokens, cache reads and writes not included.</param>
/// <param name="OutputTokens">Model output tokens.</param>
/// <param name="Cost">US dollars, summed over the model calls whose price is known.</param>
/// <param name="LastScreenshot">The newest screenshot an action of the task took, or null when none did.</param>
/// <param name="LastScreenshotPath">Where the API serves that screenshot (host-relative; needs a token), or null.
/// </param>
public sealed record TaskReport(
    int Steps, long InputTokens, long OutputTokens, decimal Cost, BlobReference? LastScreenshot,
    string? LastScreenshotPath);
