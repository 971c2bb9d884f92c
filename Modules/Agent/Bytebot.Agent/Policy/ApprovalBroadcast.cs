using System.Collections.Concurrent;
using System.Threading.Channels;
using Bytebot.Agent.Contracts;

namespace Bytebot.Agent.Policy;

/// <summary>
/// This host's waiting gates (one completion per pending approval) and live subscribers (the approvals stream, the
/// dashboard). A signal only wakes a gate: the gate re-reads the document, which is the decision.
/// </summary>
internal sealed class ApprovalBroadcast : IApprovalFeed
{
    // Bounded so a stalled stream client cannot grow memory; the list endpoint is the truth.
    private const int Capacity = 256;

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>A fresh completion for the gate waiting on <paramref name="approvalId"/>, signalled by its next
    /// change.</summary>
    public TaskCompletionSource Renew(Guid approvalId) =>
        _waiting[approvalId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void StopWaiting(Guid approvalId) => _waiting.TryRemove(approvalId, out _);

    public void Signal(Guid approvalId)
    {
        if (_waiting.TryGetValue(approvalId, out var waiting))
            waiting.TrySetResult();
    }

    public void Publish(ApprovalNotice notice)
    {
        foreach (var subscription in _subscriptions.Keys)
            subscription.Channel.Writer.TryWrite(notice);
    }

    public ApprovalSubscription Subscribe()
    {
        var subscription = new Subscription(this);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    private sealed class Subscription(ApprovalBroadcast owner) : ApprovalSubscription
    {
        public Channel<ApprovalNotice> Channel { get; } =
            System.Threading.Channels.Channel.CreateBounded<ApprovalNotice>(new BoundedChannelOptions(Capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
            });

        public override ChannelReader<ApprovalNotice> Reader => Channel.Reader;

        protected override void Dispose(bool disposing)
        {
            owner._subscriptions.TryRemove(this, out _);
            Channel.Writer.TryComplete();
        }
    }
}
