using Bytebot.Desktop.VirtualDisplay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bytebot.Desktop.Health;

internal sealed class DisplayHealthCheck(DesktopSupervisor desktop) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (desktop.MissingPrograms.Count > 0)
            return HealthCheckResult.Unhealthy(string.Join(" ", desktop.MissingPrograms));
        if (!desktop.XServerRunning)
            return HealthCheckResult.Unhealthy($"Xvfb for {desktop.Display} is not running (it is restarted with backoff).");
        var problem = await desktop.Address.ProbeAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        return problem is null
            ? HealthCheckResult.Healthy($"X server {desktop.Display} accepts connections.")
            : HealthCheckResult.Unhealthy(problem);
    }
}
