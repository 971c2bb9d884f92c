using Bytebot.Nodes.Contracts;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Nodes;

internal sealed class NodesOptions : INodeIdentity
{
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>The configured capabilities; the installed applications join them at the first heartbeat.</summary>
    public IReadOnlyList<string> Capabilities { get; set; } = [];

    /// <summary><c>Node:Url</c>: the base URL other nodes reach this one at; null derives it from the listening address.</summary>
    public Uri? Url { get; set; }

    /// <summary><c>Node:JoinToken</c>: exchanged once for this node's credential (ADR 0065); never logged.</summary>
    public string? JoinToken { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A node whose last heartbeat is older is offline: with the 2 s heartbeat a killed node is seen offline 8-10 s
    /// after its death (issue 15 asks for at most 15 s); a clean stop marks it offline at once.
    /// </summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(10);

    public static NodesOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Node");
        var options = new NodesOptions();
        // Tasks:DesktopId named the desktop before nodes had names; it still works when Node:Name is not set.
        options.Name = section["Name"] is { Length: > 0 } name ? name
            : configuration["Tasks:DesktopId"] is { Length: > 0 } desktop ? desktop : options.Name;
        options.Capabilities = Normalise(section.GetSection("Capabilities").Get<string[]>() ?? []);
        if (section["Url"] is { Length: > 0 } url)
        {
            options.Url = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new InvalidOperationException($"Node:Url must be an absolute http(s) URL, but is '{url}'.");
        }
        options.JoinToken = section["JoinToken"] is { Length: > 0 } join ? join.Trim() : null;
        options.HeartbeatInterval = section.GetValue(nameof(HeartbeatInterval), options.HeartbeatInterval);
        options.OfflineAfter = section.GetValue(nameof(OfflineAfter), options.OfflineAfter);
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.OfflineAfter <= options.HeartbeatInterval)
            throw new InvalidOperationException(
                "Node:OfflineAfter must be longer than Node:HeartbeatInterval (both > 0).");
        return options;
    }

    public static IReadOnlyList<string> Normalise(IEnumerable<string> capabilities) =>
        [.. capabilities.Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct()
            .Order(StringComparer.Ordinal)];
}
