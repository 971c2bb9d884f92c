namespace Bytebot.Agent.Contracts;

/// <summary>
/// Decides a pending approval for a channel that is not the HTTP API (a chat's button), through the same path as
/// <c>POST /api/approvals/{id}/approve|deny</c>: only one decision ever wins.
/// </summary>
public interface IApprovalDecisions
{
    /// <summary>
    /// Approves or denies; the approval as it now stands (decided by this call or earlier, see its status), or null
    /// for an unknown id.
    /// </summary>
    /// <param name="approvalId">The approval.</param>
    /// <param name="approve">True approves, false denies.</param>
    /// <param name="by">Who decided, as the approval and the task's timeline show it.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    Task<ApprovalNotice?> DecideAsync(Guid approvalId, bool approve, string by, CancellationToken cancellationToken);
}
