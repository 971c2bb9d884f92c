using Bytebot.Tasks.Contracts;
using JasperFx;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Bytebot.Agent.Policy;

internal enum DecideOutcome
{
    Decided,
    NotFound,
    NotPending,
}

/// <summary>
/// The approvals' documents and every change to them: whoever changes an approval's status announces it (waiting gates,
/// live subscribers, other hosts) and records it on the task's stream.
/// </summary>
internal sealed class ApprovalBook(
    IDocumentStore store, IServiceScopeFactory scopes, ApprovalBroadcast broadcast, ApprovalNotices notices,
    TimeProvider clock)
{
    public const int ListLimit = 200;

    public async Task<Approval?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Approval>(id, cancellationToken);
    }

    public async Task<IReadOnlyList<Approval>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var query = session.Query<Approval>().AsQueryable();
        if (status is not null)
            query = query.Where(a => a.Status == status);
        return await query.OrderByDescending(a => a.CreatedAt).Take(ListLimit).ToListAsync(cancellationToken);
    }

    public async Task OpenAsync(Approval approval, CancellationToken cancellationToken)
    {
        await using (var session = store.LightweightSession())
        {
            session.Insert(approval);
            await session.SaveChangesAsync(cancellationToken);
        }
        await AnnounceAsync(approval, cancellationToken);
        if (approval.TaskId is { } taskId)
        {
            await SendAsync(new RecordApprovalRequest(taskId, approval.Id, approval.Tool, approval.Reason,
                approval.ExpiresAt), cancellationToken);
        }
    }

    /// <summary>Moves a pending approval to <paramref name="status"/>; only one decision ever wins.</summary>
    public async Task<(DecideOutcome Outcome, Approval? Approval)> DecideAsync(
        Guid id, string status, string by, string? note, string reason, CancellationToken cancellationToken)
    {
        Approval decided;
        await using (var session = store.LightweightSession())
        {
            if (await session.LoadAsync<Approval>(id, cancellationToken) is not { } current)
                return (DecideOutcome.NotFound, null);
            if (current.Status != ApprovalStatus.Pending)
                return (DecideOutcome.NotPending, current);
            decided = current with { Status = status, DecidedAt = clock.GetUtcNow(), DecidedBy = by, Note = note };
            session.Update(decided);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
            }
            catch (ConcurrencyException)
            {
                return (DecideOutcome.NotPending, await GetAsync(id, cancellationToken));
            }
        }
        // Recorded before the waiting gate wakes: its run then appends to the same stream, and a run's append that
        // races another writer's fails (the unique stream version), stopping the run.
        if (decided.TaskId is { } taskId)
        {
            await SendAsync(
                new RecordApprovalDecision(taskId, id, decided.Tool, status, by, reason), cancellationToken);
        }
        await AnnounceAsync(decided, cancellationToken);
        return (DecideOutcome.Decided, decided);
    }

    /// <summary>Records a call the policy denied without asking anyone.</summary>
    public Task RecordDeniedAsync(Guid? taskId, string tool, string reason, CancellationToken cancellationToken) =>
        taskId is { } id
            ? SendAsync(new RecordApprovalDecision(id, Guid.CreateVersion7(), tool, ApprovalStatus.Denied,
                "policy", reason), cancellationToken)
            : Task.CompletedTask;

    // The bus is scoped; this book is shared by every caller.
    private async Task SendAsync(object message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message, cancellationToken);
    }

    private async Task AnnounceAsync(Approval approval, CancellationToken cancellationToken)
    {
        broadcast.Signal(approval.Id);
        broadcast.Publish(approval.ToNotice());
        await notices.AnnounceAsync(approval.Id, cancellationToken);
    }
}
