namespace Bytebot.Tasks.Contracts;

/// <summary>
/// Records on a task's stream that one of its tool calls waits for a human's approval (the audit trail, the timeline);
/// sent through the message bus by the Agent's gate. Nothing is written for an unknown task.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="ApprovalId">The approval.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Reason">The rule that asked.</param>
/// <param name="ExpiresAt">When it expires, denied.</param>
public sealed record RecordApprovalRequest(
    Guid TaskId, Guid ApprovalId, string Tool, string Reason, DateTimeOffset ExpiresAt);

/// <summary>Records how a tool call of a task was decided: by a human, by expiry, or by the policy itself.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="ApprovalId">The approval; a fresh id for a call the policy denied without asking.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Decision"><c>approved</c>, <c>denied</c> or <c>expired</c>.</param>
/// <param name="By">A user's name, <c>policy</c> (a deny rule, or no approver reachable), <c>timeout</c> or
/// <c>cancelled</c>.</param>
/// <param name="Reason">Why: the rule, the expiry, or the decider's note.</param>
public sealed record RecordApprovalDecision(
    Guid TaskId, Guid ApprovalId, string Tool, string Decision, string By, string Reason);
