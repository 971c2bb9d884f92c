using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Channels.Webhooks;

/// <summary>
/// <c>Notifications:*</c>. Read once at start; a bad setting stops the start with its name.
/// </summary>
internal sealed record WebhookOptions(
    IReadOnlyList<WebhookSubscription> Configured, IReadOnlyList<TimeSpan> RetryDelays, TimeSpan Timeout,
    double Jitter, Uri? DashboardUrl)
{
    // Standard Webhooks' usual ladder (peers-2026 §5): seven attempts over about 35 hours.
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(8), TimeSpan.FromHours(24),
    ];

    public static WebhookOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Notifications");
        var configured = section.GetSection("Webhooks").GetChildren().Select(Subscription).ToList();
        var delays = section.GetSection("RetryDelays").GetChildren()
            .Select(d => Duration(d, TimeSpan.Zero)).ToList();
        var timeout = Duration(section.GetSection("Timeout"), TimeSpan.FromSeconds(10));
        var jitter = section["Jitter"] is { } text
            ? double.TryParse(text, CultureInfo.InvariantCulture, out var j) && j is >= 0 and < 1
                ? j
                : throw Bad("Notifications:Jitter", "a fraction from 0 to below 1, e.g. 0.2")
            : 0.2;
        Uri? dashboard = null;
        if (section["DashboardUrl"] is { Length: > 0 } url && !Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out dashboard))
            throw Bad("Notifications:DashboardUrl", "an absolute URL");
        return new(configured, delays.Count > 0 ? delays : DefaultRetryDelays, timeout, jitter, dashboard);
    }

    // The wait after attempt `attempt` (from 1), or null when that was the last; `sample` is uniform in [0, 1) and
    // spreads the retries of many messages (jitter).
    public TimeSpan? DelayAfter(int attempt, double sample) =>
        attempt >= 1 && attempt <= RetryDelays.Count
            ? RetryDelays[attempt - 1] * (1 - Jitter + (2 * Jitter * sample))
            : null;

    private static WebhookSubscription Subscription(IConfigurationSection entry)
    {
        var name = $"Notifications:Webhooks:{entry.Key}";
        var url = entry["Url"];
        if (WebhookSubscription.UrlProblem(url) is { } urlProblem)
            throw Bad($"{name}:Url", urlProblem);
        if (WebhookSubscription.SecretProblem(entry["Secret"]) is { } secretProblem)
            throw Bad($"{name}:Secret", secretProblem);
        var events = entry.GetSection("Events").GetChildren().Select(e => e.Value ?? "").ToList();
        if (WebhookSubscription.EventsProblem(events) is { } eventsProblem)
            throw Bad($"{name}:Events", eventsProblem);
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"config:{entry.Key}:{url}")).AsSpan(0, 16));
        return new WebhookSubscription
        {
            Id = id, Url = url!, Secret = entry["Secret"]!, Events = events,
            Source = WebhookSubscription.FromConfiguration,
        };
    }

    private static TimeSpan Duration(IConfigurationSection setting, TimeSpan fallback)
    {
        if (setting.Value is not { } text)
            return fallback;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw Bad(setting.Path, "a positive duration such as 00:00:30");
    }

    private static InvalidOperationException Bad(string setting, string expected) =>
        new($"{setting} must be {expected}.");
}
