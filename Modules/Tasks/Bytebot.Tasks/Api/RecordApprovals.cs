using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using JasperFx;
using Marten;

namespace Bytebot.Tasks.Api;

/// <summary>
/// The Agent's approvals on a task's stream. Unfenced by the run's lease: a decision is recorded even when the run
/// that asked was stopped meanwhile (the audit trail is whole).
/// </summary>
public static class RecordApprovalHandler
{
    public static Task HandleAsync(
        RecordApprovalRequest message, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(clock);
        return AppendAsync(store, message.TaskId, new ApprovalRequested(
            message.ApprovalId, message.Tool, message.Reason, message.ExpiresAt, clock.GetUtcNow()), cancellationToken);
    }

    public static Task HandleAsync(
        RecordApprovalDecision message, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(clock);
        return AppendAsync(store, message.TaskId, new ApprovalDecided(
            message.ApprovalId, message.Tool, message.Decision, message.By, message.Reason, clock.GetUtcNow()),
            cancellationToken);
    }

    private static async Task AppendAsync(
        IDocumentStore store, Guid taskId, object recorded, CancellationToken cancellationToken)
    {
        await using (var session = store.QuerySession())
        {
            if (await session.Events.FetchStreamStateAsync(taskId, cancellationToken) is null)
                return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TaskStreams.AppendAsync(store, taskId, null, null, [recorded], cancellationToken);
                return;
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
                // The run appended to the stream in the same instant; the event goes after it.
            }
        }
    }
}
