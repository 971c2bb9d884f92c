using System.Text.Json;

namespace Bytebot.Tasks.Contracts;

/// <summary>
/// The agent. The task worker starts one <see cref="ITaskAgentRun"/> per claimed run of a task and calls its
/// <see cref="ITaskAgentRun.RunStepAsync"/> while the task is RUNNING with control ASSISTANT and it holds the task's
/// lease; with no implementation registered the worker claims nothing and tasks wait in the queue.
/// </summary>
public interface ITaskAgent
{
    /// <summary>Starts the agent's side of one run; it lives until the task ends, is stopped or loses its lease.</summary>
    ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder);
}

/// <summary>One run of a task, as the agent keeps it between steps.</summary>
public interface ITaskAgentRun
{
    /// <summary>
    /// Runs one step. Every desktop action goes through <see cref="ITaskRecorder.ExecuteActionAsync"/>, so its
    /// start is durably recorded before it runs. The token is cancelled on cancel, takeover or a lost lease.
    /// </summary>
    Task<StepOutcome> RunStepAsync(CancellationToken cancellationToken);
}

/// <summary>The task as a run reads it; kept current by every write of the run and of others (user messages).</summary>
public interface ITaskRunView
{
    /// <summary>The task id.</summary>
    Guid TaskId { get; }

    /// <summary>What the user asked for.</summary>
    string Description { get; }

    /// <summary>The model the task runs with.</summary>
    TaskModel Model { get; }

    /// <summary>Step number, from 1, counting interrupted steps too.</summary>
    int StepNumber { get; }

    /// <summary>The full conversation so far, oldest first; images are blob references.</summary>
    IReadOnlyList<TaskMessage> Messages { get; }

    /// <summary>
    /// Actions recorded as started whose completion was never recorded (a crash or lost lease); they are never
    /// replayed. The agent must re-observe the screen before deciding what to do next.
    /// </summary>
    IReadOnlyList<InterruptedAction> InterruptedActions { get; }

    /// <summary>True when this run took over a task another run had started (after a crash or restart).</summary>
    bool Resumed { get; }

    /// <summary>True when this run started because the user handed control back (Proceed after a takeover or a help request).</summary>
    bool ResumedByUser { get; }

    /// <summary>When the task first started running; the task's wall-time budget counts from here.</summary>
    DateTimeOffset StartedAt { get; }

    /// <summary>Summaries recorded so far, oldest first; each replaces its messages in the agent's context.</summary>
    IReadOnlyList<TaskSummary> Summaries { get; }

    /// <summary>Model calls of the whole task so far (every run, every step).</summary>
    TaskUsageTotals Usage { get; }

    /// <summary>
    /// Actions recorded for tool calls, by tool-use id: lets a run that resumes after a crash answer the tool calls of a
    /// stored model response without asking the model again and without re-running what already ran.
    /// </summary>
    IReadOnlyDictionary<string, ToolActionRecord> ToolActions { get; }
}

/// <summary>
/// The only way a run writes to its task. Every write is fenced by the run's lease: once another claim, a cancel or a
/// takeover replaced the run, a write throws <see cref="LeaseLostException"/> with nothing written.
/// Blobs (screenshots, documents) go to the Files module's blob store, which the agent uses directly.
/// </summary>
public interface ITaskRecorder
{
    /// <summary>Appends a message; base64 image and document blocks are stored as blobs first.</summary>
    Task<TaskMessage> AddMessageAsync(TaskRole role, IReadOnlyList<MessageContent> content, CancellationToken cancellationToken);

    /// <summary>
    /// Records <c>ActionStarted</c> (committed, fenced by the lease), runs <paramref name="execute"/> once, then
    /// records <c>ActionCompleted</c>. <paramref name="execute"/> gets the recorded action id (for an
    /// idempotency ledger). Throws <see cref="LeaseLostException"/> without executing when the lease is gone
    /// or the task was stopped.
    /// </summary>
    Task<ActionResult> ExecuteActionAsync(
        string name, JsonElement input, Func<Guid, CancellationToken, Task<ActionResult>> execute, CancellationToken cancellationToken);

    /// <summary>As <see cref="ExecuteActionAsync"/>, for the tool call <paramref name="toolUseId"/> of a stored model response.</summary>
    Task<ActionResult> ExecuteToolAsync(
        string toolUseId, string name, JsonElement input, Func<Guid, CancellationToken, Task<ActionResult>> execute, CancellationToken cancellationToken);

    /// <summary>
    /// Records tokens and cost of a model call for the step timeline; committed with the recorder's next write (record
    /// usage just before the answer it paid for).
    /// </summary>
    Task RecordUsageAsync(ModelUsage usage, CancellationToken cancellationToken);

    /// <summary>Records a summary that replaces <paramref name="messageIds"/> in the agent's context.</summary>
    Task AddSummaryAsync(string content, IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken);
}

/// <summary>A stored message.</summary>
/// <param name="Id">Message id.</param>
/// <param name="Role">Author.</param>
/// <param name="Content">Content blocks.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record TaskMessage(Guid Id, TaskRole Role, IReadOnlyList<MessageContent> Content, DateTimeOffset CreatedAt);

/// <summary>An action whose start was recorded but whose end never was.</summary>
/// <param name="ActionId">The action's id.</param>
/// <param name="Name">Action or tool name.</param>
/// <param name="Input">Its arguments.</param>
public sealed record InterruptedAction(Guid ActionId, string Name, JsonElement Input);

/// <summary>What an action did.</summary>
/// <param name="Succeeded">False when it failed (the error goes back to the model).</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Screenshot">The screen after the action, when taken.</param>
/// <param name="Output">Tool output for the model.</param>
/// <param name="Settle">How long the agent waited for the screen to settle after the action.</param>
public sealed record ActionResult(bool Succeeded, string? Error = null, BlobReference? Screenshot = null, JsonElement? Output = null, TimeSpan? Settle = null);

/// <summary>What is recorded of a tool call's action.</summary>
/// <param name="Succeeded">True or false once it completed; null when it started and its end was never recorded.</param>
/// <param name="Error">Why it failed.</param>
public sealed record ToolActionRecord(bool? Succeeded, string? Error);

/// <summary>A recorded summary.</summary>
/// <param name="Id">Summary id.</param>
/// <param name="Content">The summary text.</param>
/// <param name="MessageIds">The messages it replaces.</param>
public sealed record TaskSummary(Guid Id, string Content, IReadOnlyList<Guid> MessageIds);

/// <summary>Model calls of a task, summed.</summary>
/// <param name="Calls">Model calls.</param>
/// <param name="InputTokens">Prompt tokens billed at the full rate.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="CacheReadTokens">Prompt tokens read from the provider's cache.</param>
/// <param name="CacheWriteTokens">Prompt tokens written to the provider's cache.</param>
/// <param name="Cost">Cost in USD of the calls whose price is known.</param>
public sealed record TaskUsageTotals(int Calls, long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens, decimal Cost)
{
    /// <summary>No calls yet.</summary>
    public static TaskUsageTotals None { get; } = new(0, 0, 0, 0, 0, 0m);

    /// <summary>Every token, cached or not, in and out.</summary>
    public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;
}

/// <summary>Tokens and cost of one model call.</summary>
/// <param name="Model">Model id.</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
/// <param name="Cost">Cost in USD, when known.</param>
/// <param name="CacheReadTokens">Prompt tokens read from the provider's cache.</param>
/// <param name="CacheWriteTokens">Prompt tokens written to the provider's cache.</param>
/// <param name="Latency">How long the call took, retries and waits included.</param>
/// <param name="Purpose"><c>step</c> or <c>summary</c>.</param>
public sealed record ModelUsage(
    string Model, long InputTokens, long OutputTokens, decimal? Cost = null, long CacheReadTokens = 0, long CacheWriteTokens = 0,
    TimeSpan? Latency = null, string Purpose = "step");

/// <summary>How a step ended.</summary>
public enum StepOutcomeKind
{
    /// <summary>Run another step.</summary>
    Continue,

    /// <summary>The task is done.</summary>
    Completed,

    /// <summary>The agent needs a human; control passes to the user.</summary>
    NeedsHelp,

    /// <summary>The task cannot go on.</summary>
    Failed,
}

/// <summary>How a step ended, with the task's result, the help request or the error.</summary>
/// <param name="Kind">What happens next.</param>
/// <param name="Result">The result of a completed task.</param>
/// <param name="Message">The help request or error.</param>
public sealed record StepOutcome(StepOutcomeKind Kind, JsonElement? Result = null, string? Message = null)
{
    /// <summary>Run another step.</summary>
    public static StepOutcome Continue { get; } = new(StepOutcomeKind.Continue);

    /// <summary>The task is done.</summary>
    public static StepOutcome Complete(JsonElement? result = null) => new(StepOutcomeKind.Completed, result);

    /// <summary>Hand control to the user.</summary>
    public static StepOutcome AskForHelp(string reason) => new(StepOutcomeKind.NeedsHelp, Message: reason);

    /// <summary>Fail the task.</summary>
    public static StepOutcome Fail(string error) => new(StepOutcomeKind.Failed, Message: error);
}

/// <summary>
/// A write by a task's worker was refused because another claim replaced its lease, or the task was cancelled,
/// taken over or deleted; nothing was written. The run must stop.
/// </summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LeaseLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LeaseLostException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LeaseLostException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
