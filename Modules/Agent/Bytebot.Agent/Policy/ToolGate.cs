using System.Globalization;
using Bytebot.Agent.Contracts;

namespace Bytebot.Agent.Policy;

/// <summary>
/// <see cref="IToolGate"/>: the policy's verdict, and for an <c>ask</c> a pending approval this gate waits on (woken by
/// the decision on this host or by another host's notice, never by polling) until it is decided, expires or the
/// caller gives up. Fails closed: no approver reachable, expiry and cancellation all deny.
/// </summary>
internal sealed class ToolGate(
    ToolPolicy policy, ApprovalBook book, ApprovalBroadcast broadcast, IEnumerable<IApproverPresence> presences,
    TimeProvider clock) : IToolGate
{
    public const string Unreachable = "no approver is reachable; the action was denied";

    public async Task<GateVerdict> CheckAsync(ToolCallSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var verdict = policy.Decide(subject.Tool, subject.ArgumentsJson);
        switch (verdict.Decision)
        {
            case PolicyDecision.Allow:
                return new GateVerdict(true, verdict.Reason);
            case PolicyDecision.Deny:
                var denied = $"denied by the policy ({verdict.Reason})";
                await book.RecordDeniedAsync(subject.TaskId, subject.Tool, denied, cancellationToken);
                return new GateVerdict(false, denied);
        }
        if (!presences.Any(p => p.Reachable > 0))
        {
            var unreachable = $"{Unreachable} ({verdict.Reason})";
            await book.RecordDeniedAsync(subject.TaskId, subject.Tool, unreachable, cancellationToken);
            return new GateVerdict(false, unreachable);
        }
        var now = clock.GetUtcNow();
        var approval = new Approval
        {
            Id = Guid.CreateVersion7(),
            TaskId = subject.TaskId,
            Tool = subject.Tool,
            Input = Approval.Masked(subject.Tool, subject.ArgumentsJson),
            Reason = verdict.Reason,
            Caller = subject.Caller,
            CreatedAt = now,
            ExpiresAt = now + policy.Options.ApprovalTimeout,
        };
        broadcast.Renew(approval.Id);
        try
        {
            await book.OpenAsync(approval, cancellationToken);
            return await WaitAsync(approval, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await book.DecideAsync(approval.Id, ApprovalStatus.Expired, "cancelled", null,
                "the step was cancelled while the approval was pending", CancellationToken.None);
            throw;
        }
        finally
        {
            broadcast.StopWaiting(approval.Id);
        }
    }

    private async Task<GateVerdict> WaitAsync(Approval approval, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Renewed before the read: a decision committed after the read signals this completion.
            var signal = broadcast.Renew(approval.Id);
            var current = await book.GetAsync(approval.Id, cancellationToken)
                ?? throw new InvalidOperationException($"Approval {approval.Id} disappeared while pending.");
            if (Verdict(current) is { } decided)
                return decided;
            var remaining = current.ExpiresAt - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                var timeout = string.Create(CultureInfo.InvariantCulture,
                    $"no decision within {policy.Options.ApprovalTimeout:c}; the action was denied");
                var (outcome, expired) = await book.DecideAsync(
                    approval.Id, ApprovalStatus.Expired, "timeout", null, timeout, cancellationToken);
                if (outcome == DecideOutcome.Decided)
                    return new GateVerdict(false, $"the approval expired: {timeout}");
                if (expired is not null && Verdict(expired) is { } raced)
                    return raced;
                continue;
            }
            try
            {
                await signal.Task.WaitAsync(remaining, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Expires on the next turn, unless a decision came in just now.
            }
        }
    }

    private static GateVerdict? Verdict(Approval approval) => approval.Status switch
    {
        ApprovalStatus.Approved => new GateVerdict(true, $"approved by {approval.DecidedBy}{Noted(approval)}"),
        ApprovalStatus.Denied => new GateVerdict(false, $"denied by {approval.DecidedBy}{Noted(approval)}"),
        ApprovalStatus.Expired => new GateVerdict(false, "the approval expired; the action was denied"),
        _ => null,
    };

    private static string Noted(Approval approval) => approval.Note is { Length: > 0 } note ? $": {note}" : "";
}
