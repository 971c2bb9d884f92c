namespace Bytebot.Agent.Contracts;

/// <summary>
/// The policy and approvals every tool call passes before it runs, whoever the caller (the agent's kernel filter,
/// MCP): rules decide allow, ask or deny; an <c>ask</c> waits for a human's decision on an approval and fails closed
/// (denied) when no approver is reachable, when it expires, or when it is denied. Every decision on a task's call is
/// an event on that task.
/// </summary>
public interface IToolGate
{
    /// <summary>
    /// Decides whether the call may run; waits while an approval is pending. The caller runs exactly the arguments it
    /// passed here, and only when <see cref="GateVerdict.Allowed"/> is true.
    /// </summary>
    /// <param name="subject">The call.</param>
    /// <param name="cancellationToken">Stops the wait: the approval expires and the token's exception is
    /// thrown.</param>
    Task<GateVerdict> CheckAsync(ToolCallSubject subject, CancellationToken cancellationToken);
}

/// <summary>One tool call, as the gate sees it.</summary>
/// <param name="TaskId">The task the call belongs to; null for a caller outside any task (MCP).</param>
/// <param name="Tool">The tool's name, e.g. <c>computer_type_text</c>.</param>
/// <param name="ArgumentsJson">The call's arguments as a JSON object, unmasked (sensitive text included).</param>
/// <param name="Caller"><c>agent</c> or <c>mcp</c>.</param>
public sealed record ToolCallSubject(Guid? TaskId, string Tool, string ArgumentsJson, string Caller);

/// <summary>The gate's answer.</summary>
/// <param name="Allowed">True when the call may run.</param>
/// <param name="Reason">Which rule or whose decision; for a refusal, the error to give the model.</param>
public sealed record GateVerdict(bool Allowed, string Reason);

/// <summary>
/// Someone who can decide approvals right now (a signed-in dashboard, an approvals stream client, a chat channel).
/// The gate denies an <c>ask</c> at once when every registered presence counts zero.
/// </summary>
public interface IApproverPresence
{
    /// <summary>How many approvers of this kind are reachable now.</summary>
    int Reachable { get; }
}
