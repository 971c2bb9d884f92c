using System.Text.Json;

namespace Bytebot.Cli.Following;

internal sealed record ActionOutcome(string Name, bool Succeeded, string? Error);

/// <summary>A finished step as the CLI shows it: what ran, how long the step took, its tokens and cost.</summary>
internal sealed record StepLine(
    int Number, IReadOnlyList<ActionOutcome> Actions, double? DurationMs, long InputTokens, long OutputTokens, decimal? Cost,
    bool Interrupted);

/// <summary>A change of the task's status or control that ends or pauses a run; <c>Ends</c> stops the follow.</summary>
internal sealed record StatusChange(string Status, string? Reason, bool Ends);

/// <summary>Folds the task's step events into finished steps and status changes, in the order the host wrote them.</summary>
internal sealed class StepTracker
{
    private sealed class OpenStep(int number, DateTimeOffset startedAt)
    {
        public int Number { get; } = number;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public Dictionary<Guid, string> Started { get; } = [];
        public List<ActionOutcome> Actions { get; } = [];
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public decimal? Cost { get; set; }
    }

    private readonly Dictionary<Guid, OpenStep> _open = [];

    /// <summary>What <paramref name="e"/> finished: a step line, a status change, or nothing yet.</summary>
    public object? Apply(TaskEvent e)
    {
        var data = e.Data;
        switch (e.Type)
        {
            case "tasks.step_started":
                _open[Id(data, "stepId")] = new OpenStep(data.GetProperty("number").GetInt32(), At(data));
                return null;
            case "tasks.action_started" when Step(data) is { } step:
                step.Started[Id(data, "actionId")] = data.GetProperty("name").GetString() ?? "?";
                return null;
            case "tasks.action_completed" when Step(data) is { } step:
                step.Actions.Add(new ActionOutcome(step.Started.GetValueOrDefault(Id(data, "actionId"), "?"),
                    data.GetProperty("succeeded").GetBoolean(), Text(data, "error")));
                return null;
            case "tasks.usage_recorded" when Step(data) is { } step:
                step.InputTokens += data.GetProperty("inputTokens").GetInt64();
                step.OutputTokens += data.GetProperty("outputTokens").GetInt64();
                if (data.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Number)
                    step.Cost = (step.Cost ?? 0) + cost.GetDecimal();
                return null;
            case "tasks.step_completed":
                return Finish(Id(data, "stepId"), At(data), interrupted: false);
            case "tasks.step_interrupted":
                return Finish(Id(data, "stepId"), At(data), interrupted: true);
            case "tasks.task_started":
                return new StatusChange("RUNNING", Text(data, "desktopId") is { } desktop ? "on " + desktop : null, Ends: false);
            case "tasks.task_taken_over":
                return new StatusChange("TAKEN_OVER", "a person has the desktop", Ends: false);
            case "tasks.task_resumed":
                return new StatusChange("RUNNING", "the agent has the desktop again", Ends: false);
            case "tasks.task_needs_help":
                return new StatusChange("NEEDS_HELP", Text(data, "reason"), Ends: true);
            case "tasks.task_completed":
                return new StatusChange("COMPLETED", null, Ends: true);
            case "tasks.task_failed":
                return new StatusChange("FAILED", Text(data, "error"), Ends: true);
            case "tasks.task_cancelled":
                return new StatusChange("CANCELLED", null, Ends: true);
            case "tasks.task_deleted":
                return new StatusChange("DELETED", null, Ends: true);
            default:
                return null;
        }
    }

    private StepLine? Finish(Guid stepId, DateTimeOffset at, bool interrupted)
    {
        if (!_open.Remove(stepId, out var step))
            return null;
        return new StepLine(step.Number, step.Actions, (at - step.StartedAt).TotalMilliseconds, step.InputTokens,
            step.OutputTokens, step.Cost, interrupted);
    }

    private OpenStep? Step(JsonElement data) => _open.GetValueOrDefault(Id(data, "stepId"));

    private static Guid Id(JsonElement data, string name) => data.GetProperty(name).GetGuid();

    private static DateTimeOffset At(JsonElement data) => data.GetProperty("at").GetDateTimeOffset();

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
