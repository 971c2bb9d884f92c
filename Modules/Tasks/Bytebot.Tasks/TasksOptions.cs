using Microsoft.Extensions.Configuration;

namespace Bytebot.Tasks;

internal sealed class TasksOptions
{
    /// <summary>
    /// Identifies this host's desktop; started tasks are pinned to it. Must be unique per desktop. The node's name
    /// when the Nodes module is composed (<c>Node:Name</c>, which takes <c>Tasks:DesktopId</c> as its alias).
    /// </summary>
    public string DesktopId { get; set; } = Environment.MachineName;

    public int MaxConcurrentTasks { get; set; } = 1;

    public TimeSpan LeaseLength { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The worker wakes when a task is created or resumed (here or on another host, through the live feed) and when a
    /// SCHEDULED task's time comes (its <c>TaskDue</c>); this look is only the net for leases a crashed host left.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What becomes of a task whose dependency FAILED or was CANCELLED (<c>Tasks:Dependencies:OnFailure</c>).</summary>
    public DependencyFailure OnDependencyFailure { get; set; } = DependencyFailure.Hold;

    public static TasksOptions FromConfiguration(IConfiguration configuration, string? nodeName = null)
    {
        var section = configuration.GetSection("Tasks");
        var options = new TasksOptions();
        options.DesktopId = nodeName ?? (section["DesktopId"] is { Length: > 0 } desktop ? desktop : options.DesktopId);
        options.MaxConcurrentTasks = Math.Max(1, section.GetValue(nameof(MaxConcurrentTasks), options.MaxConcurrentTasks));
        options.LeaseLength = section.GetValue(nameof(LeaseLength), options.LeaseLength);
        options.HeartbeatInterval = section.GetValue(nameof(HeartbeatInterval), options.HeartbeatInterval);
        options.PollInterval = section.GetValue(nameof(PollInterval), options.PollInterval);
        if (section["Dependencies:OnFailure"] is { Length: > 0 } onFailure)
        {
            options.OnDependencyFailure = Enum.TryParse<DependencyFailure>(onFailure, ignoreCase: true, out var parsed)
                && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException(
                    $"Tasks:Dependencies:OnFailure is '{onFailure}'; it must be Hold or Fail.");
        }
        return options;
    }
}

/// <summary>A dependency FAILED or was CANCELLED: the dependent waits, visibly (Hold), or fails with the reason (Fail).</summary>
internal enum DependencyFailure
{
    Hold,
    Fail,
}
