namespace Bytebot.Dashboard;

/// <summary>The <c>Dashboard</c> section.</summary>
internal sealed class DashboardOptions
{
    /// <summary>A running task with no new event for this long shows the "stuck" hint on its page.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromSeconds(60);
}
