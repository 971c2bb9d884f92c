namespace Bytebot.Host.Security;

internal sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Origins allowed for CORS and WebSocket upgrades besides the host's own; empty keeps CORS closed.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Requests per second each principal (or anonymous IP) may make; bursts up to <see cref="RateLimitBurst"/>.</summary>
    public int RateLimitPerSecond { get; set; } = 50;

    public int RateLimitBurst { get; set; } = 200;
}
