using System.Text.Json;
using System.Threading.Channels;

namespace Bytebot.Agent.Contracts;

/// <summary>
/// Approvals as they are raised and decided on this host (or another host sharing the database), for live views.
/// Best effort per subscriber; <c>GET /api/approvals</c> is the truth.
/// </summary>
public interface IApprovalFeed
{
    /// <summary>Subscribes to every approval's changes; dispose to unsubscribe.</summary>
    ApprovalSubscription Subscribe();
}

/// <summary>A live feed of approvals; dispose to unsubscribe.</summary>
public abstract class ApprovalSubscription : IDisposable
{
    /// <summary>Each approval when it is raised and when it is decided.</summary>
    public abstract ChannelReader<ApprovalNotice> Reader { get; }

    /// <summary>Unsubscribes.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Unsubscribes.</summary>
    protected abstract void Dispose(bool disposing);
}

/// <summary>An approval as the API shows it.</summary>
/// <param name="Id">The approval.</param>
/// <param name="TaskId">The task whose call it is; null for an MCP caller.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="Input">The call's arguments, sensitive text masked.</param>
/// <param name="Reason">The rule that asked.</param>
/// <param name="Status"><c>pending</c>, <c>approved</c>, <c>denied</c> or <c>expired</c>.</param>
/// <param name="CreatedAt">When it was raised.</param>
/// <param name="ExpiresAt">When a pending approval expires (and the call is denied).</param>
/// <param name="DecidedAt">When it was decided or expired.</param>
/// <param name="DecidedBy">Who decided (a user's name, <c>timeout</c>, <c>cancelled</c>).</param>
/// <param name="Note">The decider's note.</param>
public sealed record ApprovalNotice(
    Guid Id, Guid? TaskId, string Tool, JsonElement Input, string Reason, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? Note);
