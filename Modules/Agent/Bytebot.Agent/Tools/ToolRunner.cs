using System.Text.Json;
using System.Text.Json.Nodes;
using Bytebot.Agent.Plugins;
using Bytebot.Desktop.Contracts;
using KernelPlugin = Microsoft.SemanticKernel.KernelPlugin;
using Wolverine.Runtime;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>What a tool call produced: the result blocks for the model, and how the task goes on.</summary>
internal sealed record ToolOutcome(ToolResultContent Result, StepOutcome? Ends = null);

/// <summary>Screenshots for one model: its size limit and the geometry of the last image it was given.</summary>
internal sealed class ScreenView(int maxWidth, int maxHeight, IDesktopEnvironment desktop)
{
    public ScreenGeometry Geometry { get; set; } = ScreenGeometry.Fit(desktop.Width, desktop.Height, maxWidth, maxHeight);

    public Screenshot Request => new(ImageEncoding.Png, MaxWidth: maxWidth, MaxHeight: maxHeight) { ByAgent = true };

    /// <summary>A zoom fills the model's screenshot size (Anthropic's zoom semantics).</summary>
    public Zoom Fit(Zoom zoom) => zoom with { MaxWidth = maxWidth, MaxHeight = maxHeight };
}

/// <summary>What one run gives its tool calls: the task, its recorder, the screen as its model sees it, its blobs.</summary>
internal sealed record ToolScope(ITaskRunView Task, ITaskRecorder Recorder, ScreenView Screen, RunBlobs Blobs);

/// <summary>
/// Runs the model's tool calls. Desktop actions go through <see cref="ITaskRecorder.ExecuteToolAsync"/> (recorded before they
/// run), wait for the screen to settle instead of sleeping, and answer with a fresh screenshot in the model's size; every
/// failure goes back to the model as <c>is_error</c> with the reason.
/// </summary>
internal sealed class ToolRunner(IWolverineRuntime messaging, AgentOptions options, ToolKernel kernel)
{
    // Wolverine's IMessageBus is scoped (it carries one conversation's context); this runner is shared by every task.
    private MessageBus Bus => new(messaging);

    private static readonly TimeSpan NoSettle = TimeSpan.Zero;

    public async Task<ToolOutcome> RunAsync(ToolScope scope, ToolUseContent call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(call);
        if (call.Name == NativeComputer.Name)
            return await NativeComputerCalls.RunAsync(call, (step, token) => RunFunctionAsync(scope, step, token), cancellationToken);
        return await RunFunctionAsync(scope, call, cancellationToken);
    }

    private async Task<ToolOutcome> RunFunctionAsync(ToolScope scope, ToolUseContent call, CancellationToken cancellationToken) =>
        (ToolOutcome)await kernel.InvokeAsync(new AgentCall(this, scope, call), call.Name, call.Input, cancellationToken);

    /// <summary>One model tool call as the kernel's caller: its replies are <see cref="ToolOutcome"/>s.</summary>
    private sealed class AgentCall(ToolRunner runner, ToolScope scope, ToolUseContent call) : ITaskToolCaller
    {
        public Guid? TaskId => scope.Task.TaskId;

        public string Kind => "agent";

        public IReadOnlyList<KernelPlugin> Plugins => ToolKernel.AgentPlugins;

        public async Task<object> ComputerAsync(JsonObject body, CancellationToken cancellationToken) =>
            await runner.ComputerAsync(scope, call, body, cancellationToken);

        public object Refuse(string message) => Error(call, message);

        public object SetStatus(TaskEnd status, string description) => ToolRunner.SetStatus(call, status, description);

        public async Task<object> CreateTaskAsync(
            string description, string? type, string? scheduledFor, string? priority, CancellationToken cancellationToken) =>
            await runner.CreateTaskAsync(scope, call, new TaskDraft(description, type, priority, scheduledFor), cancellationToken);
    }

    /// <summary>A screenshot in the model's size, stored, for a user message (after a resume) or a tool result.</summary>
    public async Task<(BlobReference Blob, ScreenshotImage Image)> ScreenshotAsync(ToolScope scope, CancellationToken cancellationToken)
    {
        var image = await Bus.InvokeAsync<ScreenshotImage>(scope.Screen.Request, cancellationToken);
        scope.Screen.Geometry = scope.Screen.Geometry with { ImageWidth = image.Width, ImageHeight = image.Height };
        return (await scope.Blobs.StoreAsync(image.Image, image.MediaType, cancellationToken), image);
    }

    private static ToolOutcome SetStatus(ToolUseContent call, TaskEnd status, string description) => status switch
    {
        TaskEnd.Completed => new(Result(call, description, error: false),
            StepOutcome.Complete(JsonSerializer.SerializeToElement(new { description }))),
        _ => new(Result(call, description, error: false),
            StepOutcome.AskForHelp(description.Length > 0 ? description : "The agent asked for help.")),
    };

    private async Task<ToolOutcome> CreateTaskAsync(
        ToolScope scope, ToolUseContent call, TaskDraft asked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(asked.Description))
            return Error(call, "description is required.");
        // The task's own model, not the first configured one; every other rule is Tasks' (the API's) own.
        var draft = asked with { CreatedBy = "ASSISTANT", Model = scope.Task.Model };
        Guid? created = null;
        var result = await scope.Recorder.ExecuteToolAsync(call.Id, call.Name, call.Input, async (_, token) =>
        {
            var reply = await Bus.InvokeAsync<TaskCreatedReply>(
                new CreateTaskCommand(draft), token);
            created = reply.TaskId;
            return new ActionResult(true);
        }, cancellationToken);
        return result.Succeeded ? Ok(call, $"The task has been created (id {created}).") : Error(call, result.Error ?? "The task could not be created.");
    }

    private async Task<ToolOutcome> ComputerAsync(
        ToolScope scope, ToolUseContent call, JsonObject body, CancellationToken cancellationToken)
    {
        ComputerAction action;
        ClickMouse? click = null;
        try
        {
            if (body["action"]?.GetValue<string>() == "click_text")
            {
                // click_text is find_text, then click_mouse at the best match: both parsed (and refused) by the desktop's rules.
                click = (ClickMouse)await ParseAsync(TextClicks.Click(body), cancellationToken);
                body["action"] = "find_text";
            }
            action = scope.Screen.Geometry.ToScreen(await ParseAsync(body, cancellationToken)) with { ByAgent = true };
        }
        catch (ComputerActionRejectedException rejected)
        {
            return Error(call, rejected.Message);
        }

        List<MessageContent> output = [];
        var result = await scope.Recorder.ExecuteToolAsync(call.Id, call.Name, SensitiveText.Masked(call).Input, async (_, token) =>
        {
            switch (action)
            {
                case Screenshot:
                    var (shot, _) = await ScreenshotAsync(scope, token);
                    output.Add(new ImageContent(MediaSource.FromBlob(shot)));
                    return new ActionResult(true, Screenshot: shot, Settle: NoSettle);
                case Zoom zoom:
                    // The zoomed image is never the coordinate frame: Geometry stays that of the last screenshot.
                    var zoomed = await Bus.InvokeAsync<ScreenshotImage>(scope.Screen.Fit(zoom), token);
                    var view = await scope.Blobs.StoreAsync(zoomed.Image, zoomed.MediaType, token);
                    output.Add(new TextContent("The region enlarged; coordinates are still the full screenshot's."));
                    output.Add(new ImageContent(MediaSource.FromBlob(view)));
                    return new ActionResult(true, Settle: NoSettle);
                case FindText find when click is not null:
                    var matches = (await Bus.InvokeAsync<TextMatches>(find, token)).Matches;
                    var best = matches.Count > 0 ? matches[0] : null;
                    if (best is null)
                        return new ActionResult(false, $"'{find.Text}' is not on the screen (OCR found no match).");
                    output.Add(new TextContent($"Clicked '{best.Text}' at {TextClicks.Describe(best.Box, scope.Screen.Geometry)}."));
                    return await ActAsync(scope, click with { Coordinates = TextClicks.Centre(best.Box), ByAgent = true }, output, token);
                case FindText find:
                    var found = await Bus.InvokeAsync<TextMatches>(find, token);
                    output.Add(new TextContent(TextClicks.Report(found, scope.Screen.Geometry)));
                    return new ActionResult(true);
                case ReadScreen:
                    var text = await Bus.InvokeAsync<ScreenText>(action, token);
                    output.Add(new TextContent(TextClicks.Report(text, scope.Screen.Geometry)));
                    return new ActionResult(true);
                case AccessibilityTree:
                    var tree = await Bus.InvokeAsync<AccessibleTree>(action, token);
                    output.Add(new TextContent(TreeReport.Describe(tree, scope.Screen.Geometry)));
                    return new ActionResult(true, Settle: NoSettle);
                case CursorPosition:
                    var point = await Bus.InvokeAsync<CursorPoint>(action, token);
                    var seen = scope.Screen.Geometry.ToImage(new Coordinates(point.X, point.Y));
                    output.Add(new TextContent($"Cursor position: {seen.X}, {seen.Y}"));
                    return new ActionResult(true);
                case ReadFile:
                    var file = await Bus.InvokeAsync<FileContent>(action, token);
                    if (!file.Success || file.Data is null)
                        return new ActionResult(false, file.Message ?? "The file could not be read.");
                    var blob = await scope.Blobs.StoreAsync(file.Data, file.MediaType ?? "application/octet-stream", token);
                    output.Add(new DocumentContent(MediaSource.FromBlob(blob), file.Name, file.Size));
                    return new ActionResult(true);
                default:
                    output.Add(new TextContent("Tool executed successfully"));
                    return await ActAsync(scope, action, output, token);
            }
        }, cancellationToken);
        return result.Succeeded
            ? new ToolOutcome(new ToolResultContent(call.Id, output))
            : Error(call, result.Error ?? "The action failed.");
    }

    private async Task<ComputerAction> ParseAsync(JsonObject body, CancellationToken cancellationToken) =>
        (await Bus.InvokeAsync<ParsedAction>(new ParseComputerAction(JsonSerializer.SerializeToElement(body)), cancellationToken)).Action;

    /// <summary>Runs an input action, waits for the screen to settle and answers the screenshot after it.</summary>
    private async Task<ActionResult> ActAsync(
        ToolScope scope, ComputerAction action, List<MessageContent> output, CancellationToken cancellationToken)
    {
        await Bus.InvokeAsync<ComputerActionResult>(action, cancellationToken);
        var settle = await Bus.InvokeAsync<SettleReport>(options.Settle.After(action), cancellationToken);
        var (after, _) = await ScreenshotAsync(scope, cancellationToken);
        output.Add(new ImageContent(MediaSource.FromBlob(after)));
        return new ActionResult(true, Screenshot: after, Settle: TimeSpan.FromMilliseconds(settle.WaitedMilliseconds));
    }

    public static ToolOutcome Error(ToolUseContent call, string message) => new(Result(call, message, error: true));

    private static ToolOutcome Ok(ToolUseContent call, string message) => new(Result(call, message, error: false));

    private static ToolResultContent Result(ToolUseContent call, string text, bool error) =>
        new(call.Id, [new TextContent(error ? $"ERROR: {text}" : text)], error ? true : null);
}
