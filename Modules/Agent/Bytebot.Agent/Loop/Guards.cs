using System.Text.Json;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Loop;

/// <summary>Per-task limits and loop detection: each answers why the task must stop, or null.</summary>
internal static class Guards
{
    public static string? OverBudget(ITaskRunView context, AgentLimits limits, DateTimeOffset now)
    {
        if (context.StepNumber > limits.MaxSteps)
            return $"The step limit was reached ({limits.MaxSteps} steps; Agent:Limits:MaxSteps).";
        if (limits.MaxTokens is { } tokens && context.Usage.TotalTokens >= tokens)
            return $"The token limit was reached ({context.Usage.TotalTokens:N0} of {tokens:N0} tokens; Agent:Limits:MaxTokens).";
        if (limits.MaxCost is { } cost && context.Usage.Cost >= cost)
            return $"The cost limit was reached (${context.Usage.Cost:0.####} of ${cost:0.####}; Agent:Limits:MaxCost).";
        if (limits.MaxDuration is { } duration && now - context.StartedAt >= duration)
            return $"The time limit was reached ({duration}; Agent:Limits:MaxDuration).";
        return null;
    }

    /// <summary>
    /// The calls of <paramref name="history"/> followed by <paramref name="pending"/> (not part of the history): the same
    /// call (name and arguments) <paramref name="threshold"/> times in a row at the end is a loop.
    /// </summary>
    public static string? RepeatedCall(IEnumerable<TaskMessage> history, IReadOnlyList<ToolUseContent> pending, int threshold)
    {
        if (threshold < 2 || pending.Count == 0)
            return null;
        var calls = history.Where(m => m.Role == TaskRole.Assistant).SelectMany(m => m.Content.OfType<ToolUseContent>()).Concat(pending).ToList();
        var key = Key(pending[^1]);
        var run = 0;
        for (var i = calls.Count - 1; i >= 0 && Key(calls[i]) == key; i--)
            run++;
        return run >= threshold
            ? $"The agent repeated the same action {run} times in a row ({pending[^1].Name} {pending[^1].Input.GetRawText()}) without progress."
            : null;
    }

    /// <summary>How many of the newest assistant answers in a row called no tool.</summary>
    public static int TurnsWithoutTools(IReadOnlyList<TaskMessage> messages) =>
        messages.Where(m => m.Role == TaskRole.Assistant).Reverse().TakeWhile(m => !m.Content.OfType<ToolUseContent>().Any()).Count();

    private static string Key(ToolUseContent call) => call.Name + "\n" + Canonical(call.Input);

    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        _ => element.GetRawText(),
    };
}
