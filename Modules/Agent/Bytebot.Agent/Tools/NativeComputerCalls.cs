using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>
/// Carries out a call of a provider's own computer tool (ADR 0053) as calls of the Computer plugin's functions, each
/// run through the kernel like any function call (recorded, policed, scaled from the screenshot's pixels). Anthropic's
/// call is one action; OpenAI's is a batch of <c>actions</c>, run in order up to the first that fails.
/// </summary>
internal static class NativeComputerCalls
{
    public delegate Task<ToolOutcome> RunFunction(ToolUseContent call, CancellationToken cancellationToken);

    public static Task<ToolOutcome> RunAsync(ToolUseContent call, RunFunction run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Input.ValueKind == JsonValueKind.Object && call.Input.TryGetProperty("actions", out var actions)
            ? BatchAsync(call, actions, run, cancellationToken)
            : ActionAsync(call, run, cancellationToken);
    }

    private static async Task<ToolOutcome> ActionAsync(ToolUseContent call, RunFunction run, CancellationToken cancellationToken)
    {
        IReadOnlyList<PluginCall> steps;
        try
        {
            steps = AnthropicComputerActions.Map(call.Input);
        }
        catch (FormatException rejected)
        {
            return ToolRunner.Error(call, rejected.Message);
        }
        var (last, failure) = await StepsAsync(call, steps, run, cancellationToken);
        return failure ?? last!;
    }

    private static async Task<ToolOutcome> BatchAsync(
        ToolUseContent call, JsonElement actions, RunFunction run, CancellationToken cancellationToken)
    {
        if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            return await ReportAsync(call, run, "actions: must be a list of at least one action.", null, cancellationToken);
        // Nothing acknowledges a safety check yet (no policy decides them): the batch is refused and the model told why.
        if (call.Input.TryGetProperty("pending_safety_checks", out var checks) && checks.ValueKind == JsonValueKind.Array
            && checks.GetArrayLength() > 0)
        {
            var named = string.Join("; ", checks.EnumerateArray().Select(c =>
                $"{Text(c, "code") ?? "check"}: {Text(c, "message") ?? "no message"}"));
            return await ReportAsync(call, run,
                $"Not run: the call has pending safety checks ({named}) and none is acknowledged without a human's approval.",
                null, cancellationToken);
        }
        var count = actions.GetArrayLength();
        ToolOutcome? last = null;
        for (var i = 0; i < count; i++)
        {
            var action = actions[i];
            var kind = action.ValueKind == JsonValueKind.Object ? Text(action, "type") ?? "?" : "?";
            string? error;
            try
            {
                var (done, failure) = await StepsAsync(call, OpenAIComputerActions.Map(action), run, cancellationToken);
                last = done ?? last;
                error = failure is null ? null : Message(failure);
            }
            catch (FormatException rejected)
            {
                error = rejected.Message;
            }
            if (error is not null)
            {
                var rest = i + 1 < count ? $" Actions {i + 2} to {count} were not run." : "";
                return await ReportAsync(call, run, $"Action {i + 1} of {count} ({kind}) failed: {error.TrimEnd('.')}.{rest}", last,
                    cancellationToken);
            }
        }
        return await ReportAsync(call, run, null, last, cancellationToken);
    }

    /// <summary>Runs the steps in order; after a failure only the <c>Always</c> ones (key releases) still run.</summary>
    private static async Task<(ToolOutcome? Last, ToolOutcome? Failure)> StepsAsync(
        ToolUseContent call, IReadOnlyList<PluginCall> steps, RunFunction run, CancellationToken cancellationToken)
    {
        ToolOutcome? last = null;
        ToolOutcome? failure = null;
        foreach (var step in steps)
        {
            if (failure is not null && !step.Always)
                continue;
            var outcome = await run(new ToolUseContent(call.Id, step.Function, JsonSerializer.SerializeToElement(step.Arguments)),
                cancellationToken);
            if (outcome.Result.IsError == true)
                failure ??= outcome;
            else
                last = outcome;
        }
        return (last, failure);
    }

    // A computer_call_output must carry a screenshot: the newest an action returned, else a fresh one.
    private static async Task<ToolOutcome> ReportAsync(
        ToolUseContent call, RunFunction run, string? error, ToolOutcome? last, CancellationToken cancellationToken)
    {
        var image = last?.Result.Content.OfType<ImageContent>().LastOrDefault();
        if (image is null)
        {
            var shot = await run(new ToolUseContent(call.Id, "computer_screenshot", JsonSerializer.SerializeToElement(new { })),
                cancellationToken);
            image = shot.Result.Content.OfType<ImageContent>().LastOrDefault();
        }
        var text = error is null ? "Tool executed successfully" : $"ERROR: {error}";
        List<MessageContent> content = [new TextContent(text)];
        if (image is not null)
            content.Add(image);
        return new ToolOutcome(new ToolResultContent(call.Id, content, error is null ? null : true));
    }

    private static string Message(ToolOutcome failure) => string.Join(" ", failure.Result.Content.OfType<TextContent>()
        .Select(t => t.Text.StartsWith("ERROR: ", StringComparison.Ordinal) ? t.Text["ERROR: ".Length..] : t.Text));

    private static string? Text(JsonElement item, string field) =>
        item.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One call of a Computer plugin function that a native action stands for; <c>Always</c> runs after a failure too.</summary>
internal sealed record PluginCall(string Function, JsonObject Arguments, bool Always = false);

internal static class NativeJson
{
    public static string String(JsonElement input, string field) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{field}: is required and must be a string.");

    public static int Int(JsonElement input, string field) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(field, out var value) && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"{field}: is required and must be an integer.");
}
