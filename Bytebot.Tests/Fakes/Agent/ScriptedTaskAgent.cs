using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tests.Fakes.Agent;

/// <summary>
/// Stands in for the LLM agent in dashboard tests until the real loop runs against the fake LLM server. A task
/// described with <c>steps:N</c> takes N steps; each step writes what a real step writes (an assistant message with a
/// tool_use, a recorded action with a screenshot, its tool_result, token usage). Step 2 types sensitive text.
/// <c>hold:K</c> makes step K wait until <see cref="Release"/>, so a test can act on a running task.
/// <c>fail:K</c> makes step K fail the task, once per task (a retry goes on from there).
/// <c>writes:NAME</c> makes step 1 write <see cref="Report"/> to <c>Desktop/NAME</c> in <see cref="Workspace"/>.
/// </summary>
public sealed partial class ScriptedTaskAgent : ITaskAgent
{
    // A 160×120 PNG: a window on a blue desktop.
    private static readonly byte[] Screen = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAKAAAAB4CAIAAAD6wG44AAABC0lEQVR42u3RQRHAIBAEQeSgIZU3cs5VvCAnErDAC6ijt0bBdqlvKHHFBYAFWIAFWIAFWIABC7AA6wDgJz4lDjBgARZgARZgARZgwAIswAIswAIswIAFWIB1F3CLrpkAAwYMGDBgwIABAwYMWIABAwa8Gfi3uQEGDBgwYMCAAQMGDBiwAQYMGDBgwIABAwYMGLABBgwYMGDAgAEDBgwYMDnABhgwYMCAAQMGDBgwYMAGGDBgwIABAwYMGDBgwAYYMGDAgAEDBgwYMGDAgAEbYMCAAQMGDBgwYMCAARtgwIABAwYMGDBgwIABW15gbQ8wYAEWYAEWYAEWYMACLMACLMACLMCABViABVhLG0AYL8VTB4TcAAAAAElFTkSuQmCC");

    public static readonly byte[] Report = "name,total\nalpha,1\nbeta,2\nγ,3\n"u8.ToArray();

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<Guid, bool> _failed = new();

    /// <summary>The host's blob store, for the step's screenshot.</summary>
    public IBlobStore? Blobs { get; set; }

    /// <summary>The workspace root <c>writes:NAME</c> writes into.</summary>
    public string Workspace { get; set; } = "";

    /// <summary>Lets the task's held step go on.</summary>
    public void Release(Guid taskId) => Gate(taskId).TrySetResult();

    private TaskCompletionSource Gate(Guid taskId) =>
        _gates.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new StepRun(token => RunStepAsync(task, recorder, token));

    private async Task<StepOutcome> RunStepAsync(ITaskRunView context, ITaskRecorder recorder, CancellationToken cancellationToken)
    {
        var wanted = Number(StepsPattern(), context.Description) ?? 1;
        var done = context.Messages.Count(m => m.Role == TaskRole.Assistant && m.Content.OfType<ToolUseContent>().Any());
        if (done >= wanted)
        {
            await recorder.AddMessageAsync(TaskRole.Assistant, [new TextContent($"Done: {done} steps.")], cancellationToken);
            return StepOutcome.Complete(JsonSerializer.SerializeToElement(new { steps = done }));
        }
        var number = done + 1;
        if (Number(FailPattern(), context.Description) == number && _failed.TryAdd(context.TaskId, true))
            return StepOutcome.Fail($"The scripted agent gave up at step {number}.");
        if (Number(HoldPattern(), context.Description) == number)
            await Gate(context.TaskId).Task.WaitAsync(cancellationToken);

        var written = number == 1 && WritesPattern().Match(context.Description) is { Success: true } w ? w.Groups[1].Value : null;
        var (name, input) = written is not null
            ? ("computer_write_file", JsonSerializer.SerializeToElement(new { path = $"~/Desktop/{written}" }))
            : number == 2
            ? ("computer_type_text", JsonSerializer.SerializeToElement(new { text = "hunter2", isSensitive = true }))
            : ("computer_click_mouse", JsonSerializer.SerializeToElement(new { coordinates = new { x = 100 + number, y = 200 }, button = "left", clickCount = 1 }));
        var toolUseId = $"toolu_{context.TaskId:N}_{number}";
        await recorder.AddMessageAsync(TaskRole.Assistant,
            [new TextContent($"Step {number}: working on it."), new ToolUseContent(toolUseId, name, input)], cancellationToken);
        var stored = await Blobs!.PutAsync(Screen, "image/png", cancellationToken);
        var screenshot = new BlobReference(stored.Sha256, stored.Size, stored.MediaType);
        await recorder.ExecuteActionAsync(name, input, async (_, ct) =>
        {
            if (written is not null)
            {
                Directory.CreateDirectory(Path.Combine(Workspace, "Desktop"));
                await File.WriteAllBytesAsync(Path.Combine(Workspace, "Desktop", written), Report, ct);
            }
            return new ActionResult(true, Screenshot: screenshot);
        }, cancellationToken);
        await recorder.RecordUsageAsync(new ModelUsage("scripted", 1200 + number, 40, 0.0042m), cancellationToken);
        await recorder.AddMessageAsync(TaskRole.User,
            [new ToolResultContent(toolUseId, [new TextContent("ok"), new ImageContent(MediaSource.FromBlob(screenshot))])], cancellationToken);
        return StepOutcome.Continue;
    }

    private static int? Number(Regex pattern, string text) =>
        pattern.Match(text) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"steps:(\d+)")]
    private static partial Regex StepsPattern();

    [GeneratedRegex(@"hold:(\d+)")]
    private static partial Regex HoldPattern();

    [GeneratedRegex(@"fail:(\d+)")]
    private static partial Regex FailPattern();

    [GeneratedRegex(@"writes:(\S+)")]
    private static partial Regex WritesPattern();
}
