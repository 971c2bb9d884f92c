using System.Text.Json;
using Bytebot.Dashboard.Host;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Dashboard.Components.TaskViews;

/// <summary>
/// One task as its page shows it, folded from its events: the history once, then each live event. Events at or
/// below the last position applied are skipped, so a live event that was also read as history counts once.
/// </summary>
internal sealed class TaskState
{
    private static readonly JsonSerializerOptions Json =
        new(JsonSerializerOptions.Web) { AllowOutOfOrderMetadataProperties = true };
    private static readonly HashSet<string> Finished = ["COMPLETED", "CANCELLED", "FAILED"];

    private readonly Dictionary<Guid, TaskStep> _steps = [];
    private readonly Dictionary<string, string> _tools = [];

    public string Description { get; private set; } = "";
    public string Status { get; private set; } = "PENDING";
    public string Control { get; private set; } = "ASSISTANT";
    public string? Error { get; private set; }
    public string? HelpReason { get; private set; }
    public DateTimeOffset? CreatedAt { get; private set; }
    public bool Deleted { get; private set; }
    public long Position { get; private set; }
    public List<ChatMessage> Messages { get; } = [];
    public List<TaskStep> Steps { get; } = [];
    public long InputTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public decimal Cost { get; private set; }

    /// <summary>The node whose desktop the task is on: where it started, else the node it asks for (null: any).</summary>
    public string? Node { get; private set; }

    /// <summary>Moves whenever the task's files may have changed: an action completed or the status changed.</summary>
    public int FileChanges { get; private set; }

    public bool IsFinished => Finished.Contains(Status);
    public bool UserHasControl => Control == "USER" && !IsFinished;
    public TaskStep? LastShownStep => Steps.LastOrDefault(s => s.Screenshot is not null);
    public BlobReference? LastScreenshot => LastShownStep?.Screenshot;

    /// <summary>When the newest event of the task was committed: a running task quiet for long may be stuck.</summary>
    public DateTimeOffset? LastEventAt { get; private set; }

    public string ToolName(string toolUseId) => _tools.GetValueOrDefault(toolUseId, "tool");

    /// <summary>Applies one event; false when it was applied already (or is of a kind the page ignores).</summary>
    public bool Apply(TaskNotification notification)
    {
        if (notification.GlobalPosition <= Position)
            return false;
        Position = notification.GlobalPosition;
        LastEventAt = notification.CreatedAt;
        var data = notification.Data;
        switch (notification.Type)
        {
            case TaskEventNames.TaskCreated:
                Description = data.GetProperty("description").GetString() ?? "";
                CreatedAt = notification.CreatedAt;
                Node = data.String("node");
                break;
            case TaskEventNames.MessageAdded:
                AddMessage(data);
                break;
            case TaskEventNames.TaskStarted:
                (Status, Control, Node) = ("RUNNING", "ASSISTANT", data.String("desktopId") ?? Node);
                break;
            case TaskEventNames.TaskResumed:
                (Status, Control) = ("RUNNING", "ASSISTANT");
                break;
            case TaskEventNames.StepStarted:
                var step = new TaskStep(data.GetProperty("stepId").GetGuid(), data.GetProperty("number").GetInt32(),
                    At(data));
                _steps[step.Id] = step;
                Steps.Add(step);
                break;
            case TaskEventNames.ActionStarted when StepOf(data) is { } started:
                started.Revision++;
                started.Action = data.GetProperty("name").GetString();
                var input = data.TryGetProperty("input", out var given) ? given : default;
                started.Arguments = ActionText.Describe(started.Action ?? "", input);
                break;
            case TaskEventNames.ActionCompleted when StepOf(data) is { } completed:
                (completed.Revision, FileChanges) = (completed.Revision + 1, FileChanges + 1);
                if (!data.GetProperty("succeeded").GetBoolean())
                    completed.Error = data.String("error") ?? "failed";
                if (data.TryGetProperty("screenshot", out var shot) && shot.ValueKind == JsonValueKind.Object)
                    completed.Screenshot = shot.Deserialize<BlobReference>(Json);
                break;
            case TaskEventNames.UsageRecorded:
                var inTokens = data.GetProperty("inputTokens").GetInt64();
                var outTokens = data.GetProperty("outputTokens").GetInt64();
                var cost = data.TryGetProperty("cost", out var c) && c.ValueKind == JsonValueKind.Number
                    ? c.GetDecimal() : (decimal?)null;
                (InputTokens, OutputTokens, Cost) =
                    (InputTokens + inTokens, OutputTokens + outTokens, Cost + (cost ?? 0));
                if (StepOf(data) is { } used)
                {
                    used.Revision++;
                    used.InputTokens += inTokens;
                    used.OutputTokens += outTokens;
                    if (cost is not null)
                        used.Cost = (used.Cost ?? 0) + cost;
                }
                break;
            case TaskEventNames.StepCompleted when StepOf(data) is { } ended:
                ended.Revision++;
                ended.EndedAt = At(data);
                break;
            case TaskEventNames.StepInterrupted when StepOf(data) is { } interrupted:
                interrupted.Revision++;
                interrupted.EndedAt = At(data);
                interrupted.Interrupted = data.String("reason") ?? "interrupted";
                break;
            case TaskEventNames.ApprovalRequested or TaskEventNames.ApprovalDecided when Steps.Count > 0:
                RecordApproval(notification.Type == TaskEventNames.ApprovalRequested, data);
                break;
            case TaskEventNames.TaskTakenOver:
                Control = "USER";
                break;
            case TaskEventNames.TaskRetried:
                (Status, Control, Error, HelpReason) = ("PENDING", "ASSISTANT", null, null);
                break;
            case TaskEventNames.TaskNeedsHelp:
                (Status, Control, HelpReason) = ("NEEDS_HELP", "USER", data.String("reason"));
                break;
            case TaskEventNames.TaskCompleted:
                Status = "COMPLETED";
                break;
            case TaskEventNames.TaskFailed:
                (Status, Error) = ("FAILED", data.String("error"));
                break;
            case TaskEventNames.TaskCancelled:
                Status = "CANCELLED";
                break;
            case TaskEventNames.TaskDeleted:
                (Status, Deleted) = ("CANCELLED", true);
                break;
            default:
                return false;
        }
        if (notification.Type.StartsWith(TaskEventNames.LifecyclePrefix, StringComparison.Ordinal))
            FileChanges++;
        return true;
    }

    private TaskStep? StepOf(JsonElement data) =>
        data.TryGetProperty("stepId", out var id) && _steps.TryGetValue(id.GetGuid(), out var step) ? step : null;

    // On the step that was newest when the gate asked, as the timeline API places it (the gate runs inside a step).
    private void RecordApproval(bool requested, JsonElement data)
    {
        var id = data.GetProperty("approvalId").GetGuid();
        var step = Steps.LastOrDefault(s => s.Approvals.Any(a => a.Id == id)) ?? Steps[^1];
        var known = step.Approvals.FindIndex(a => a.Id == id);
        var approval = known >= 0 ? step.Approvals[known]
            : new StepApproval(id, data.String("tool") ?? "tool", data.String("reason") ?? "", null, null);
        if (!requested)
        {
            approval = approval with
            {
                Decision = data.String("decision"), By = data.String("by"), Reason = data.String("reason") ?? "",
            };
        }
        if (known >= 0)
            step.Approvals[known] = approval;
        else
            step.Approvals.Add(approval);
        step.Revision++;
    }

    private static DateTimeOffset At(JsonElement data) => data.GetProperty("at").GetDateTimeOffset();

    private void AddMessage(JsonElement data)
    {
        var blocks = data.GetProperty("content").Deserialize<List<MessageContent>>(Json) ?? [];
        foreach (var tool in blocks.OfType<ToolUseContent>())
            _tools[tool.Id] = tool.Name;
        var user = data.GetProperty("role").GetString() == "USER";
        var takeover = user && blocks.Count > 0 && blocks.All(b => b is UserActionContent);
        var toolResults = user && blocks.Count > 0 && blocks.All(b => b is ToolResultContent);
        var fromUser = user && !takeover && !toolResults;
        var who = takeover ? "You took control" : fromUser ? "You" : "Bytebot";
        var id = data.GetProperty("messageId").GetGuid();
        Messages.Add(new ChatMessage(id, who, fromUser, takeover, At(data), blocks));
    }
}

/// <summary>One step's row; public because the Razor component that shows it is.</summary>
public sealed class TaskStep(Guid id, int number, DateTimeOffset startedAt)
{
    public Guid Id { get; } = id;
    public int Number { get; } = number;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Moves with every change, so the row re-renders only when its step changed.</summary>
    public int Revision { get; set; }
    public string? Action { get; set; }
    public string Arguments { get; set; } = "";
    public string? Error { get; set; }
    public string? Interrupted { get; set; }
    public BlobReference? Screenshot { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public decimal? Cost { get; set; }

    /// <summary>The step's tool calls that asked for approval or that the policy denied, oldest first.</summary>
    public List<StepApproval> Approvals { get; } = [];

    public string Meta
    {
        get
        {
            var parts = new List<string>();
            if (EndedAt is { } end)
            {
                var ms = (end - StartedAt).TotalMilliseconds;
                parts.Add(ms >= 1000 ? $"{ms / 1000:0.0} s" : $"{ms:0} ms");
            }
            if (InputTokens + OutputTokens > 0)
                parts.Add($"{InputTokens + OutputTokens} tok");
            if (Cost is { } cost)
                parts.Add($"${cost:0.0000}");
            return parts.Count > 0 ? string.Join(" · ", parts) : EndedAt is null ? "running" : "";
        }
    }
}

/// <summary>An approval on a step's row; <c>Decision</c> is null while it is pending.</summary>
public sealed record StepApproval(Guid Id, string Tool, string Reason, string? Decision, string? By);

/// <summary>One message; public because the Razor component that shows it is.</summary>
public sealed record ChatMessage(Guid Id, string Who, bool FromUser, bool Takeover, DateTimeOffset At,
    IReadOnlyList<MessageContent> Blocks);
