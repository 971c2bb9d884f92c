using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bytebot.Host.Health;

/// <summary>A component's health in <see cref="HealthView"/>.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What the check saw.</param>
/// <param name="DurationMs">How long the check took.</param>
internal sealed record ComponentHealth(string Status, string? Description, double DurationMs);

/// <summary>The health of the host and of each component checked.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy: the worst of the components.</param>
/// <param name="DurationMs">How long all checks took.</param>
/// <param name="Components">Each checked component by name (database, display, vnc).</param>
internal sealed record HealthView(string Status, double DurationMs, IReadOnlyDictionary<string, ComponentHealth> Components);

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapBytebotHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health").WithTags("Health");
        // Liveness says only that the process answers: restarting it because Postgres is down would not help.
        health.MapGet("/live", (HealthCheckService checks, CancellationToken ct) => ReportAsync(checks, _ => false, ct))
            .AllowAnonymous()
            .WithName("GetLiveness").WithSummary("200 while the process answers; checks no component.")
            .Produces<HealthView>();
        health.MapGet("/ready", (HealthCheckService checks, CancellationToken ct) =>
                ReportAsync(checks, check => check.Tags.Contains(ReadyTag), ct))
            .WithName("GetReadiness").WithSummary("The database, display and VNC: 200 when none is unhealthy, else 503.")
            .Produces<HealthView>().Produces<HealthView>(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> ReportAsync(
        HealthCheckService checks, Func<HealthCheckRegistration, bool> predicate, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(predicate, cancellationToken);
        var view = new HealthView(
            report.Status.ToString(),
            Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new ComponentHealth(
                    entry.Value.Status.ToString(), entry.Value.Description,
                    Math.Round(entry.Value.Duration.TotalMilliseconds, 1))));
        var status = report.Status == HealthStatus.Unhealthy
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status200OK;
        return TypedResults.Json(view, statusCode: status);
    }
}
