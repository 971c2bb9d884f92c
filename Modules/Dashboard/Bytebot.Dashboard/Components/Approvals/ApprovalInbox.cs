using Bytebot.Agent.Contracts;
using Bytebot.Dashboard.Host;

namespace Bytebot.Dashboard.Components.Approvals;

/// <summary>
/// The circuit's pending approvals, shared by the layout's panel, its toasts and the task page: the list once, then
/// the live feed. Decisions go through the approvals API, so the dashboard meets the same 409 and records the same
/// events as any other approver.
/// </summary>
internal sealed class ApprovalInbox(IApprovalFeed feed, HostApi api) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();

    // Every approval seen, decided ones included: a decision that overtakes the first list must not be undone by it.
    private readonly Dictionary<Guid, ApprovalNotice> _known = [];
    private ApprovalSubscription? _subscription;

    /// <summary>Raised after the pending set changed (on the feed's thread, not the renderer's).</summary>
    public event Action? Changed;

    /// <summary>Raised for an approval raised while this circuit watched (not for those listed at start).</summary>
    public event Action<ApprovalNotice>? Arrived;

    public bool Started => _subscription is not null;

    public IReadOnlyList<ApprovalNotice> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _known.Values.Where(a => a.Status == "pending").OrderBy(a => a.CreatedAt)];
            }
        }
    }

    public IReadOnlyList<ApprovalNotice> PendingFor(Guid taskId) => [.. Pending.Where(a => a.TaskId == taskId)];

    /// <summary>Starts once per circuit; only an interactive component calls it, never a prerender.</summary>
    public async Task StartAsync()
    {
        if (_subscription is not null)
            return;
        // Subscribed before listing, so an approval raised in between is not missed.
        _subscription = feed.Subscribe();
        _ = FollowAsync(_subscription, _stop.Token);
        List<ApprovalNotice> listed;
        try
        {
            listed = await api.PendingApprovalsAsync(_stop.Token);
        }
        catch (HostApiException)
        {
            return;
        }
        lock (_gate)
        {
            foreach (var approval in listed)
                _known.TryAdd(approval.Id, approval);
        }
        Changed?.Invoke();
    }

    /// <summary>Approves or denies; null when decided, else a short reason for the user.</summary>
    public async Task<string?> DecideAsync(Guid id, bool approve, string? note)
    {
        try
        {
            Record(await api.DecideApprovalAsync(id, approve ? "approve" : "deny", note, _stop.Token));
            return null;
        }
        catch (HostApiException e) when (e.Status is 404 or 409)
        {
            Forget(id);
            return e.Status == 404 ? "That approval no longer exists." : "That approval was already decided elsewhere.";
        }
        catch (HostApiException e)
        {
            return e.Message;
        }
    }

    private async Task FollowAsync(ApprovalSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                while (subscription.Reader.TryRead(out var notice))
                {
                    bool fresh;
                    lock (_gate)
                        fresh = !_known.ContainsKey(notice.Id) && notice.Status == "pending";
                    Record(notice);
                    if (fresh)
                        Arrived?.Invoke(notice);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit went away.
        }
    }

    private void Record(ApprovalNotice notice)
    {
        lock (_gate)
        {
            // A late "pending" copy (the list, another host's echo) never reopens a decided approval.
            if (notice.Status == "pending" && _known.TryGetValue(notice.Id, out var seen) && seen.Status != "pending")
                return;
            _known[notice.Id] = notice;
        }
        Changed?.Invoke();
    }

    private void Forget(Guid id)
    {
        lock (_gate)
        {
            if (_known.TryGetValue(id, out var seen) && seen.Status == "pending")
                _known[id] = seen with { Status = "decided" };
        }
        Changed?.Invoke();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _subscription?.Dispose();
    }
}
