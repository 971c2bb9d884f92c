using System.Reflection;
using Bytebot.Desktop.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Bytebot.Nodes.Presence;

/// <summary>
/// Writes this node's heartbeat every <see cref="NodesOptions.HeartbeatInterval"/>; a clean stop marks the node
/// offline at once, a crash leaves the heartbeat to age past <see cref="NodesOptions.OfflineAfter"/>.
/// </summary>
internal sealed partial class NodeHeartbeat(
    NodeRegistry registry, NodesOptions options, IDesktopEnvironment desktop, IServiceScopeFactory scopes,
    IServer server, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    private static readonly string Version = typeof(NodeHeartbeat).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var installed = await InstalledApplicationsAsync(stoppingToken);
        options.Capabilities = NodesOptions.Normalise([.. options.Capabilities, .. installed]);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await registry.HeartbeatAsync(options.Capabilities, desktop.Width, desktop.Height, Version,
                    options.Url ?? ListeningUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses),
                    stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database blip: the next beat tries again; a node that cannot reach the database is offline anyway.
                LogHeartbeatFailed(logger, e);
            }
            await Task.Delay(options.HeartbeatInterval, stoppingToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await registry.MarkStoppedAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHeartbeatFailed(logger, e);
        }
    }

    /// <summary>
    /// The first listening address, a wildcard host replaced by the machine's name. Hosted services start before
    /// the server, so the first beats may have none yet; each beat reads it again.
    /// </summary>
    internal static Uri? ListeningUrl(ICollection<string>? addresses)
    {
        // Kestrel lists what it bound: "http://[::]:9990" for "http://+:9990".
        if (addresses?.FirstOrDefault() is not { } address || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
            return null;
        return uri.Host is "0.0.0.0" or "[::]"
            ? new UriBuilder(uri) { Host = System.Net.Dns.GetHostName() }.Uri
            : uri;
    }

    // "desktop" is the launcher's way back to the desktop, not an application a task could need.
    private async Task<IEnumerable<string>> InstalledApplicationsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
            var installed = await bus.InvokeAsync<InstalledApplications>(new ListApplications(), cancellationToken);
            return installed.Names.Where(name => name != "desktop");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHeartbeatFailed(logger, e);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing this node's heartbeat failed.")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
