using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telegram.Bot;

namespace Bytebot.Channels.Telegram;

/// <summary>Long polling (the default mode): getUpdates with a 25 s hold, each update handled in order.</summary>
internal sealed partial class TelegramPolling(
    ITelegramBotClient bot, TelegramChat chat, ILogger<TelegramPolling> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int? offset = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var updates = await bot.GetUpdates(offset, timeout: 25, cancellationToken: stoppingToken);
                foreach (var update in updates)
                {
                    offset = update.Id + 1;
                    await chat.HandleAsync(update, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The Bot API down or refusing (a bad token): the channel waits, the host carries on.
                LogPollFailed(logger, e.GetType().Name);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram getUpdates failed ({Error}); retrying")]
    private static partial void LogPollFailed(ILogger logger, string error);
}
