using System.Runtime.CompilerServices;
using Bytebot.Agent.Conversation;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Desktop.Contracts;
using Bytebot.Tasks.Contracts;
using Microsoft.Extensions.Logging;

namespace Bytebot.Agent.Loop;

/// <summary>
/// One step: observe, ask the model, store its answer (before anything runs), run its tool calls, store their results.
/// A stored answer whose calls were never answered (a crash, a lost lease) is answered without asking the model again.
/// </summary>
internal sealed partial class AgentLoop(
    ModelCatalog catalog, ModelRouter router, ToolRunner tools, AgentOptions options, IDesktopEnvironment desktop, TimeProvider time,
    ILogger<AgentLoop> logger) : ITaskAgent
{
    private const string Nudge = "You answered without using a tool. Continue with the tools; when the task is done, call set_task_status.";
    private const string SummaryRequest =
        "Respond with a summary of the conversation above so that the task can continue from it: what the task is, what has been "
        + "done (actions, results, decisions, errors), the current state of the screen and applications, and what remains to do.";

    private readonly ConditionalWeakTable<ITaskContext, RunState> _runs = [];

    public async Task<StepOutcome> RunStepAsync(ITaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (catalog.Resolve(context.Model.Name) is not { } model)
        {
            var configured = catalog.Configured.Count == 0 ? "none" : string.Join(", ", catalog.Configured.Select(m => m.Name));
            return StepOutcome.Fail($"The task's model '{context.Model.Name}' is not configured (configured: {configured}).");
        }
        var run = _runs.GetValue(context, _ => new RunState(new ScreenView(model.ScreenshotLimit.Width, model.ScreenshotLimit.Height, desktop)));
        if (Guards.OverBudget(context, options.Limits, time.GetUtcNow()) is { } overBudget)
            return StepOutcome.Fail(overBudget);

        if (!run.Observed && (context.Resumed || context.ResumedByUser))
            await ObserveAsync(context, run, cancellationToken);
        run.Observed = true;

        if (Unanswered(context.Messages) is { } stored)
            return await ActAsync(context, run, stored, answerId: null, cancellationToken);

        var prompt = SystemPrompt.For(run.Screen.Geometry.ImageWidth, run.Screen.Geometry.ImageHeight, time.GetUtcNow());
        var modelContext = await ContextBuilder.BuildAsync(context.Messages, context.Summaries, options.KeepImages,
            blob => run.LoadAsync(context, blob, cancellationToken));
        RoutedTurn routed;
        try
        {
            routed = await router.CompleteAsync(run.Model ?? model, new ModelRequest(prompt, modelContext.Messages, BytebotTools.All, options.MaxOutputTokens), cancellationToken);
            // After a fallback the run stays on the model that answered instead of waiting out the failing one every step.
            run.Model = routed.Model;
        }
        catch (ModelProviderException e) when (e.IsContextOverflow && !run.CompactedAfterOverflow)
        {
            // The history outgrew the window before the usage-based trigger fired (huge tool output, a small window):
            // summarise it once without images and go on; a second overflow in the same run fails the task.
            run.CompactedAfterOverflow = true;
            LogOverflow(logger, context.TaskId, e.Message);
            var withoutImages = await ContextBuilder.BuildAsync(context.Messages, context.Summaries, keepImages: 0,
                blob => run.LoadAsync(context, blob, cancellationToken));
            return await SummarizeAsync(context, run.Model ?? model, prompt, withoutImages, cancellationToken)
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
        var answer = await context.AddMessageAsync(TaskRole.Assistant, [.. content.Select(b => b is ToolUseContent use ? SensitiveText.Masked(use) : b)], cancellationToken);
        await context.RecordUsageAsync(Usage(routed.Model, routed.Turn.Usage, routed.Elapsed, "step"), cancellationToken);
        await SummarizeIfFullAsync(context, model, routed.Turn.Usage, prompt, modelContext, cancellationToken);

        var calls = content.OfType<ToolUseContent>().ToList();
        if (calls.Count > 0)
            return await ActAsync(context, run, calls, answer.Id, cancellationToken);
        if (Guards.TurnsWithoutTools(context.Messages) >= options.MaxTurnsWithoutTools)
        {
            var said = string.Join(" ", content.OfType<TextContent>().Select(t => t.Text));
            return StepOutcome.AskForHelp($"The model answered {options.MaxTurnsWithoutTools} times in a row without using a tool. Its last answer: {said}");
        }
        await context.AddMessageAsync(TaskRole.User, [new TextContent(Nudge)], cancellationToken);
        return StepOutcome.Continue;
    }

    /// <summary>
    /// Runs <paramref name="calls"/>: those of the answer <paramref name="answerId"/> just stored, or (null) those of an
    /// answer stored by an earlier run that never got results.
    /// </summary>
    private async Task<StepOutcome> ActAsync(
        ITaskContext context, RunState run, List<ToolUseContent> calls, Guid? answerId, CancellationToken cancellationToken)
    {
        var fromStoredAnswer = answerId is null;
        if (answerId is { } id && Guards.RepeatedCall(context.Messages.Where(m => m.Id != id), calls, options.LoopThreshold) is { } loop)
        {
            await context.AddMessageAsync(TaskRole.User, [.. calls.Select(c => ToolRunner.Error(c, $"Not run: {loop}").Result)], cancellationToken);
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
            else if (fromStoredAnswer && context.ResumedByUser && call.Name.StartsWith(BytebotTools.ComputerPrefix, StringComparison.Ordinal))
                outcome = ToolRunner.Error(call, "Not run: the user took control before this action. Look at the current screen and decide again.");
            else if (fromStoredAnswer && SensitiveText.WasMasked(call))
                outcome = ToolRunner.Error(call, "Not run: sensitive text is never stored, so it could not be typed after the restart. Send the call again.");
            else
                outcome = await tools.RunAsync(context, call, run.Screen, cancellationToken);
            results.Add(outcome.Result);
            end ??= outcome.Ends;
        }
        await context.AddMessageAsync(TaskRole.User, results, cancellationToken);
        return end ?? StepOutcome.Continue;
    }

    private async Task ObserveAsync(ITaskContext context, RunState run, CancellationToken cancellationToken)
    {
        var why = context.ResumedByUser ? "The user handed control back to you" : "The task resumed after an interruption";
        try
        {
            var (blob, _) = await tools.ScreenshotAsync(context, run.Screen, cancellationToken);
            await context.AddMessageAsync(TaskRole.User,
                [new TextContent($"{why}. This is the screen now; continue from here."), new ImageContent(MediaSource.FromBlob(blob))], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not LeaseLostException)
        {
            await context.AddMessageAsync(TaskRole.User, [new TextContent($"{why}. Take a screenshot before acting; the screen may have changed.")], cancellationToken);
        }
    }

    private async Task SummarizeIfFullAsync(
        ITaskContext context, ConfiguredModel model, TokenUsage usage, string prompt, ModelContext sent, CancellationToken cancellationToken)
    {
        var window = model.ContextWindow ?? context.Model.ContextWindow ?? options.DefaultContextWindow;
        // ContextTokens counts cached tokens too: Bytebot used Anthropic's input_tokens alone and summarised too late.
        if (usage.ContextTokens + usage.Output >= options.SummarizeAt * window)
            await SummarizeAsync(context, model, prompt, sent, cancellationToken);
    }

    /// <summary>Replaces the messages of <paramref name="sent"/> by a summary; false when none could be made.</summary>
    private async Task<bool> SummarizeAsync(ITaskContext context, ConfiguredModel model, string prompt, ModelContext sent, CancellationToken cancellationToken)
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
            var routed = await router.CompleteAsync(model, new ModelRequest(prompt, messages, BytebotTools.All, options.MaxOutputTokens), cancellationToken);
            await context.RecordUsageAsync(Usage(routed.Model, routed.Turn.Usage, routed.Elapsed, "summary"), cancellationToken);
            var summary = string.Join("\n", routed.Turn.Content.OfType<TextBlock>().Select(t => t.Text)).Trim();
            if (summary.Length == 0)
                return false;
            await context.AddSummaryAsync(summary, sent.MessageIds, cancellationToken);
            return true;
        }
        catch (ModelProviderException e)
        {
            // The task goes on with the full context; the next step tries again.
            LogSummaryFailed(logger, context.TaskId, e.Message);
            return false;
        }
    }


    private ModelUsage Usage(ConfiguredModel model, TokenUsage usage, TimeSpan elapsed, string purpose)
    {
        decimal? cost = options.Prices.TryGetValue(model.Model, out var price)
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

    /// <summary>What one run of a task keeps between its steps.</summary>
    private sealed class RunState(ScreenView screen)
    {
        private const int CachedBlobs = 16;
        private readonly Dictionary<string, ReadOnlyMemory<byte>> _blobs = new(StringComparer.Ordinal);

        public ScreenView Screen { get; } = screen;

        public bool Observed { get; set; }

        public ConfiguredModel? Model { get; set; }

        public bool CompactedAfterOverflow { get; set; }

        public async Task<ReadOnlyMemory<byte>> LoadAsync(ITaskContext context, BlobReference blob, CancellationToken cancellationToken)
        {
            if (_blobs.TryGetValue(blob.Sha256, out var cached))
                return cached;
            if (_blobs.Count >= CachedBlobs)
                _blobs.Clear();
            return _blobs[blob.Sha256] = await context.ReadBlobAsync(blob, cancellationToken);
        }
    }
}
