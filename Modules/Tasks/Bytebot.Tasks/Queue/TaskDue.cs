namespace Bytebot.Tasks.Queue;

/// <summary>A SCHEDULED task's time has come: scheduled through Wolverine's outbox when the task is created.</summary>
/// <param name="TaskId">The task.</param>
public sealed record TaskDue(Guid TaskId);

/// <summary>Wakes the worker, which claims the task if it is still waiting (a claim decides; this only wakes).</summary>
public static class TaskDueHandler
{
    public static void Handle(TaskDue message, TaskWakeUp wakeUp)
    {
        ArgumentNullException.ThrowIfNull(wakeUp);
        wakeUp.Signal();
    }
}
