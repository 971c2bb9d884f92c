using Microsoft.Extensions.Hosting;

namespace Bytebot.Agent.Providers;

/// <summary>Lists every configured provider's models at start, then every <c>Agent:ModelRefresh</c> (10 min).</summary>
internal sealed class ModelListRefresher(ModelCatalog catalog, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.RefreshInterval <= TimeSpan.Zero || catalog.Sources.Count == 0)
            return;
        try
        {
            await catalog.ListAsync(stoppingToken);
            using var timer = new PeriodicTimer(catalog.RefreshInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await catalog.RefreshAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
