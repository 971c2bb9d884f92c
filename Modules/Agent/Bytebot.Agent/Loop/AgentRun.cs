using Bytebot.Agent.Conversation;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.Logging;

namespace Bytebot.Agent.Loop;

/// <summary>
/// One run of a task, step by step: observe, ask the model, store its answer (before anything runs), run its tool calls,
/// store their results. A stored answer whose calls were never answered (a crash, a lost lease) is answered without
/// asking the model again. What a run keeps between steps (the model that answered, the screen's geometry, the
/// screenshots it took) lives here for as long as the run.
/// </summary>
internal sealed partial class AgentRun(AgentParts parts, ITaskRunView context, ITaskRecorder recorder) : ITaskAgentRun
{
    private const string Nudge = "You answered without using a tool. Continue with the tools; when the task is done, call set_task_status.";
    private const string SummaryRequest =
        "Respond with a summary of the conversation above so that the task can continue from it: what the task is, what has been "
        + "done (actions, results, decisions, errors), the current state of the screen and applications, and what remains to do.";

    private readonly RunBlobs _blobs = new(parts.Blobs);
    private ToolScope? _scope;
    private ConfiguredModel? _answering;
    private bool _observed;
    private bool _compactedAfterOverflow;

    private AgentOptions Options => parts.Options;

    public async Task<StepOutcome> RunStepAsync(CancellationToken cancellationToken)
    {
        if (parts.Catalog.Resolve(context.Model.Name, context.Model.Provider) is not { } model)
        {
            var configured = parts.Catalog.Configured.Count == 0 ? "none" : string.Join(", ", parts.Catalog.Configured.Select(m => m.Name));
            return StepOutcome.Fail($"The task's model '{context.Model.Name}' is not configured (configured: {configured}).");
        }
        var scope = _scope ??= new ToolScope(
            context, recorder, new ScreenView(model.ScreenshotLimit.Width, model.ScreenshotLimit.Height, parts.Desktop), _blobs);
        if (Guards.OverBudget(context, Options.Limits, parts.Time.GetUtcNow()) is { } overBudget)
            return StepOutcome.Fail(overBudget);
        if (await parts.Budget.RefusalAsync(cancellationToken) is { } spent)
            return StepOutcome.Fail($"The {spent}.");

        if (!_observed && (context.Resumed || context.ResumedByUser))
            await ObserveAsync(scope, cancellationToken);
        _observed = true;

        if (Unanswered(context.Messages) is { } stored)
            return await ActAsync(scope, stored, answerId: null, cancellationToken);

        var prompt = SystemPrompt.For(scope.Screen.Geometry.ImageWidth, scope.Screen.Geometry.ImageHeight, parts.Time.GetUtcNow(),
            (_answering ?? model).ComputerTool == ComputerToolKind.Native);
        var modelContext = await ContextBuilder.BuildAsync(context.Messages, context.Summaries, Options.KeepImages,
            blob => _blobs.LoadAsync(blob, cancellationToken));
        RoutedTurn routed;
        try
        {
            routed = await parts.Router.CompleteAsync(_answering ?? model,
                Request(_answering ?? model, prompt, modelContext.Messages), cancellationToken);
            // After a fallback the run stays on the model that answered instead of waiting out the failing one every step.
            _answering = routed.Model;
        }
        catch (ModelProviderException e) when (e.IsContextOverflow && !_compactedAfterOverflow)
        {
            // The history outgrew the window before the usage-based trigger fired (huge tool output, a small window):
            // summarise it once without images and go on; a second overflow in the same run fails the task.
            _compactedAfterOverflow = true;
            LogOverflow(parts.Logger, context.TaskId, e.Message);
            var withoutImages = await ContextBuilder.BuildAsync(context.Messages, context.Summaries, keepImages: 0,
                blob => _blobs.LoadAsync(blob, cancellationToken));
            return await SummarizeAsync(_answering ?? model, prompt, withoutImages, cancellationToken)
                ? StepOutcome.Continue
                : StepOutcome.Fail($"The conversation no longer fits the model's context and could not be summarised: {e.Message}");
        }
        catch (ModelProviderException e)
        {
            return StepOutcome.Fail(e.IsRetryable
                ? $"The model provider kept failing after retries and fallbacks: {e.Message}"
                : $"The model provider refused the request ({e.StatusCode}); check the model's key and settings: {e.Message}");
        }

        // Stored before any call runs: after a crash the answer is acted on, never asked for again.
        var content = ToStored(routed.Turn.Content);
        // Usage first: the recorder commits it with the answer, in one append.
        await recorder.RecordUsageAsync(Usage(routed.Model, routed.Turn.Usage, routed.Elapsed, "step"), cancellationToken);
        var answer = await recorder.AddMessageAsync(TaskRole.Assistant,
            [.. content.Select(b => b is ToolUseContent use ? SensitiveText.Masked(use) : b)], cancellationToken);
        await SummarizeIfFullAsync(model, routed.Turn.Usage, prompt, modelContext, cancellationToken);

        var calls = content.OfType<ToolUseContent>().ToList();
        if (calls.Count > 0)
            return await ActAsync(scope, calls, answer.Id, cancellationToken);
        if (Guards.TurnsWithoutTools(context.Messages) >= Options.MaxTurnsWithoutTools)
        {
            var said = string.Join(" ", content.OfType<TextContent>().Select(t => t.Text));
            return StepOutcome.AskForHelp($"The model answered {Options.MaxTurnsWithoutTools} times in a row without using a tool. Its last answer: {said}");
        }
        await recorder.AddMessageAsync(TaskRole.User, [new TextContent(Nudge)], cancellationToken);
        return StepOutcome.Continue;
    }

    /// <summary>
    /// Runs <paramref name="calls"/>: those of the answer <paramref name="answerId"/> just stored, or (null) those of an
    /// answer stored by an earlier run that never got results.
    /// </summary>
    private async Task<StepOutcome> ActAsync(
        ToolScope scope, List<ToolUseContent> calls, Guid? answerId, CancellationToken cancellationToken)
    {
        var fromStoredAnswer = answerId is null;
        if (answerId is { } id && Guards.RepeatedCall(context.Messages.Where(m => m.Id != id), calls, Options.LoopThreshold) is { } loop)
        {
            await recorder.AddMessageAsync(TaskRole.User, [.. calls.Select(c => ToolRunner.Error(c, $"Not run: {loop}").Result)], cancellationToken);
            return StepOutcome.AskForHelp(loop);
        }
        var results = new List<MessageContent>(calls.Count);
        StepOutcome? end = null;
        foreach (var call in calls)
        {
            ToolOutcome outcome;
            if (end is not null)
                outcome = ToolRunner.Error(call, "Not run: the task had already ended with set_task_status.");
            else if (context.ToolActions.TryGetValue(call.Id, out var record))
                outcome = Recorded(call, record);
            else if (fromStoredAnswer && context.ResumedByUser
                     && (call.Name.StartsWith(ComputerPlugin.Prefix, StringComparison.Ordinal) || call.Name == NativeComputer.Name))
                outcome = ToolRunner.Error(call, "Not run: the user took control before this action. Look at the current screen and decide again.");
            else if (fromStoredAnswer && SensitiveText.WasMasked(call))
                outcome = ToolRunner.Error(call, "Not run: sensitive text is never stored, so it could not be typed after the restart. Send the call again.");
            else
                outcome = await parts.Tools.RunAsync(scope, call, cancellationToken);
            results.Add(outcome.Result);
            end ??= outcome.Ends;
        }
        await recorder.AddMessageAsync(TaskRole.User, results, cancellationToken);
        return end ?? StepOutcome.Continue;
    }

    private async Task ObserveAsync(ToolScope scope, CancellationToken cancellationToken)
    {
        var why = context.ResumedByUser ? "The user handed control back to you" : "The task resumed after an interruption";
        try
        {
            var (blob, _) = await parts.Tools.ScreenshotAsync(scope, cancellationToken);
            await recorder.AddMessageAsync(TaskRole.User,
                [new TextContent($"{why}. This is the screen now; continue from here."), new ImageContent(MediaSource.FromBlob(blob))], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not LeaseLostException)
        {
            await recorder.AddMessageAsync(TaskRole.User, [new TextContent($"{why}. Take a screenshot before acting; the screen may have changed.")], cancellationToken);
        }
    }

    private async Task SummarizeIfFullAsync(
        ConfiguredModel model, TokenUsage usage, string prompt, ModelContext sent, CancellationToken cancellationToken)
    {
        var window = model.ContextWindow ?? context.Model.ContextWindow ?? Options.DefaultContextWindow;
        // ContextTokens counts cached tokens too: Bytebot used Anthropic's input_tokens alone and summarised too late.
        if (usage.ContextTokens + usage.Output >= Options.SummarizeAt * window)
            await SummarizeAsync(model, prompt, sent, cancellationToken);
    }

    /// <summary>Replaces the messages of <paramref name="sent"/> by a summary; false when none could be made.</summary>
    private async Task<bool> SummarizeAsync(ConfiguredModel model, string prompt, ModelContext sent, CancellationToken cancellationToken)
    {
        if (sent.MessageIds.Count == 0 || sent.Messages.Count == 0)
            return false;
        var messages = sent.Messages.ToList();
        var request = new TextBlock(SummaryRequest);
        messages[^1] = messages[^1].Role == MessageRole.User
            ? messages[^1] with { Content = [.. messages[^1].Content, request] }
            : ConversationMessage.User(request);
        try
        {
            var routed = await parts.Router.CompleteAsync(model, Request(model, prompt, messages), cancellationToken);
            await recorder.RecordUsageAsync(Usage(routed.Model, routed.Turn.Usage, routed.Elapsed, "summary"), cancellationToken);
            var summary = string.Join("\n", routed.Turn.Content.OfType<TextBlock>().Select(t => t.Text)).Trim();
            if (summary.Length == 0)
                return false;
            await recorder.AddSummaryAsync(summary, sent.MessageIds, cancellationToken);
            return true;
        }
        catch (ModelProviderException e)
        {
            // The task goes on with the full context; the next step tries again.
            LogSummaryFailed(parts.Logger, context.TaskId, e.Message);
            return false;
        }
    }

    /// <summary>The model's tools: every function, or its provider's computer tool at the screenshots' size beside the rest.</summary>
    private ModelRequest Request(ConfiguredModel model, string prompt, IReadOnlyList<ConversationMessage> messages)
    {
        var geometry = _scope!.Screen.Geometry;
        return new ModelRequest(prompt, messages, NativeComputer.FunctionsFor(model), Options.MaxOutputTokens,
            model.ComputerTool == ComputerToolKind.Native ? new ComputerDisplay(geometry.ImageWidth, geometry.ImageHeight) : null);
    }

    private ModelUsage Usage(ConfiguredModel model, TokenUsage usage, TimeSpan elapsed, string purpose)
    {
        decimal? cost = Options.PriceOf(model.Model) is { } price
            ? ((usage.Input * price.Input) + (usage.Output * price.Output) + (usage.CacheRead * price.CacheRead) + (usage.CacheWrite * price.CacheWrite)) / 1_000_000m
            : null;
        return new ModelUsage(model.Model, usage.Input, usage.Output, cost, usage.CacheRead, usage.CacheWrite, elapsed, purpose);
    }

    private static ToolOutcome Recorded(ToolUseContent call, ToolActionRecord record) => record.Succeeded switch
    {
        null => ToolRunner.Error(call, "This action was interrupted by a restart: it may or may not have happened, and it was not run again. Check the screen."),
        true => new ToolOutcome(new ToolResultContent(call.Id, [new TextContent("This action ran before a restart; check the current screen for its effect.")])),
        false => ToolRunner.Error(call, record.Error ?? "The action failed."),
    };

    /// <summary>The newest stored answer's tool calls, when no stored message answers them yet.</summary>
    private static List<ToolUseContent>? Unanswered(IReadOnlyList<TaskMessage> messages)
    {
        var index = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == TaskRole.Assistant)
            {
                index = i;
                break;
            }
        }
        if (index < 0)
            return null;
        var calls = messages[index].Content.OfType<ToolUseContent>().ToList();
        if (calls.Count == 0)
            return null;
        var ids = calls.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var answered = messages.Skip(index + 1).Any(m => m.Role == TaskRole.User && m.Content.OfType<ToolResultContent>().Any(r => ids.Contains(r.ToolUseId)));
        return answered ? null : calls;
    }

    private static List<MessageContent> ToStored(IReadOnlyList<ContentBlock> blocks)
    {
        var stored = blocks.Select(block => block switch
        {
            TextBlock text => new TextContent(text.Text),
            ToolUseBlock use => new ToolUseContent(use.Id, use.Name, use.Input),
            ThinkingBlock thinking => new ThinkingContent(thinking.Thinking, thinking.Signature ?? ""),
            _ => (MessageContent?)null,
        }).OfType<MessageContent>().ToList();
        // An empty answer is kept (as text) so that repeated empty answers count towards the no-tool limit.
        return stored.Count > 0 ? stored : [new TextContent("(the model returned an empty answer)")];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} outgrew the model's context ({Reason}); summarising it.")]
    private static partial void LogOverflow(ILogger logger, Guid taskId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Summarising task {TaskId} failed: {Reason}. The task continues with its full context.")]
    private static partial void LogSummaryFailed(ILogger logger, Guid taskId, string reason);
}
