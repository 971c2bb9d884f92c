using Bytebot.Tasks.Contracts;

namespace Bytebot.Dashboard.Components;

/// <summary>Follows a task subscription for a component: one call (one render) per burst of events.</summary>
internal static class LiveFeed
{
    public static async Task FollowAsync(TaskSubscription subscription,
        Func<IReadOnlyList<TaskNotification>, Task> apply, CancellationToken cancellationToken)
    {
        var batch = new List<TaskNotification>();
        try
        {
            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                while (subscription.Reader.TryRead(out var notification))
                    batch.Add(notification);
                await apply([.. batch]);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The component went away.
        }
    }
}
