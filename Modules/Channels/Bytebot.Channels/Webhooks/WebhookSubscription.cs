using StandardWebhooks;

namespace Bytebot.Channels.Webhooks;

/// <summary>
/// A receiver of signed webhooks (a Marten document). Configured ones are upserted at every start under an id
/// derived from their place and URL, so their deliveries and a 410's disabling outlive restarts.
/// </summary>
internal sealed class WebhookSubscription
{
    public const string FromConfiguration = "configuration";
    public const string FromApi = "api";

    public Guid Id { get; set; }

    public string Url { get; set; } = "";

    // Never returned by the API nor logged (WebhookView has no such field).
    public string Secret { get; set; } = "";

    // Empty: every event.
    public List<string> Events { get; set; } = [];

    public string Source { get; set; } = FromApi;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }

    public string? DisabledReason { get; set; }

    public bool Wants(string type) => DisabledAt is null && (Events.Count == 0 || Events.Contains(type));

    public WebhookView ToView() =>
        new(Id, Url, Events, Source, DisabledAt is null, DisabledAt, DisabledReason, CreatedAt);

    /// <summary>Null when <paramref name="secret"/> can sign (Standard Webhooks: <c>whsec_</c> and base64).</summary>
    public static string? SecretProblem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
            return "Required: a Standard Webhooks secret such as whsec_ followed by base64 of 24 to 64 random bytes.";
        try
        {
            var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
            _ = new StandardWebhook(secret);
            return key.Length is >= 24 and <= 64 ? null : "The key must be 24 to 64 bytes (base64 after whsec_).";
        }
        catch (FormatException)
        {
            return "Must be whsec_ followed by base64.";
        }
    }

    public static string? UrlProblem(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null
            : "Must be an absolute http or https URL.";

    public static string? EventsProblem(IEnumerable<string> events) =>
        events.FirstOrDefault(e => !Contracts.WebhookEvents.All.Contains(e)) is { } unknown
            ? $"'{unknown}' is not an event; use {string.Join(", ", Contracts.WebhookEvents.All)}."
            : null;
}

/// <summary>A subscription as the API shows it: never its secret.</summary>
internal sealed record WebhookView(
    Guid Id, string Url, IReadOnlyList<string> Events, string Source, bool Enabled, DateTimeOffset? DisabledAt,
    string? DisabledReason, DateTimeOffset CreatedAt);

/// <summary>One attempt to deliver one message (a Marten document), as <c>/api/webhooks/{id}/deliveries</c> lists.</summary>
internal sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid SubscriptionId { get; set; }

    // The webhook-id header: the same for every attempt of one message, so receivers can deduplicate.
    public string MessageId { get; set; } = "";

    public string Event { get; set; } = "";

    public int Attempt { get; set; }

    public DateTimeOffset At { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public double Milliseconds { get; set; }

    // delivered, retrying, failed (gave up) or disabled (410).
    public string Outcome { get; set; } = "";

    public DateTimeOffset? NextAttemptAt { get; set; }
}
