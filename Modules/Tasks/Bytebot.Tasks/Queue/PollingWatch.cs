using Microsoft.Extensions.Hosting;

namespace Bytebot.Tasks.Queue;

/// <summary>A look every <paramref name="interval"/> on every host; a failed look is logged and the next one tries again.</summary>
internal abstract class PollingWatch(TimeSpan interval) : BackgroundService
{
    protected virtual bool Enabled => true;

    protected abstract Task LookAsync(CancellationToken cancellationToken);

    protected abstract void LogFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
                return;
            try
            {
                await LookAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
    }
}
