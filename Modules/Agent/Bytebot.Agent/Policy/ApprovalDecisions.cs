using Bytebot.Agent.Contracts;

namespace Bytebot.Agent.Policy;

internal sealed class ApprovalDecisions(ApprovalBook book) : IApprovalDecisions
{
    public async Task<ApprovalNotice?> DecideAsync(
        Guid approvalId, bool approve, string by, CancellationToken cancellationToken)
    {
        var (status, verb) = approve ? (ApprovalStatus.Approved, "approved") : (ApprovalStatus.Denied, "denied");
        var (_, approval) = await book.DecideAsync(approvalId, status, by, null, $"{verb} by {by}", cancellationToken);
        return approval?.ToNotice();
    }
}
