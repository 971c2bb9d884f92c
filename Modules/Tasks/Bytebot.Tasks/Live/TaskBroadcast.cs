using System.Collections.Concurrent;
using System.Threading.Channels;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.Live;

/// <summary>Fans committed task events out to in-process subscribers (dashboard, SSE, the worker).</summary>
internal sealed class TaskBroadcast : ITaskNotifications
{
    // Bounded so a stalled SSE client cannot grow memory; it loses the oldest events and can resume from the log.
    private const int Capacity = 1024;

    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public TaskSubscription Subscribe(Guid? taskId)
    {
        var subscription = new Subscription(this, taskId);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    public void Publish(TaskNotification notification)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            if (subscription.TaskId is null || subscription.TaskId == notification.TaskId)
                subscription.Channel.Writer.TryWrite(notification);
        }
    }

    private sealed class Subscription(TaskBroadcast owner, Guid? taskId) : TaskSubscription
    {
        public Guid? TaskId { get; } = taskId;

        public Channel<TaskNotification> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<TaskNotification>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public override ChannelReader<TaskNotification> Reader => Channel.Reader;

        protected override void Dispose(bool disposing)
        {
            owner._subscriptions.TryRemove(this, out _);
            Channel.Writer.TryComplete();
        }
    }
}
