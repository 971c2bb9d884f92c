using System.Text.Json;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;

namespace Bytebot.Channels.Telegram;

/// <summary>
/// Tells a chat what became of the tasks it created (started, needs help, completed, failed, cancelled), with the
/// task's last screenshot as a photo when it needs help or completes, and asks for approvals with Approve/Deny buttons.
/// </summary>
/// <remarks>The store is resolved when it runs: hosted services are built before the database is up.</remarks>
internal sealed partial class TelegramReplies(
    ITaskNotifications notifications, ITelegramBotClient bot, TelegramOptions options, TelegramChat chat,
    IServiceProvider services, ILogger<TelegramReplies> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifications.Subscribe(null);
        var store = services.GetRequiredService<IDocumentStore>();
        await foreach (var notification in subscription.Reader.ReadAllAsync(stoppingToken))
        {
            if (notification.Type == TaskEventNames.ApprovalRequested)
            {
                await AskAsync(store, notification, stoppingToken);
                continue;
            }
            if (Reply(notification) is not ({ } status, { } text))
                continue;
            try
            {
                await using var session = store.LightweightSession();
                if (await session.LoadAsync<TelegramTask>(notification.TaskId, stoppingToken) is not { } task)
                    continue;
                task.Status = status;
                session.Store(task);
                await session.SaveChangesAsync(stoppingToken);
                // A /cancel from the chat has been answered already, with what the task was doing.
                if (notification.Type == TaskEventNames.TaskCancelled && chat.CancelledHere(task.Id))
                    continue;
                await bot.SendMessage(task.ChatId, $"{text}\n{TelegramChat.Shorten(task.Description)}",
                    cancellationToken: stoppingToken);
                if (notification.Type is TaskEventNames.TaskCompleted or TaskEventNames.TaskNeedsHelp)
                    await SendScreenshotAsync(task, notification.Type, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Best effort: the task is unaffected; the chat can ask /tasks.
                LogReplyFailed(logger, notification.TaskId, e.GetType().Name);
            }
        }
    }

    // To the chat that created the task, else to every allowed chat: Telegram counts as a reachable approver
    // (TelegramPresence), so every approval must reach a chat.
    private async Task AskAsync(IDocumentStore store, TaskNotification notification, CancellationToken cancellationToken)
    {
        var approvalId = Field(notification.Data, "approvalId");
        var text = $"Approval needed: task {notification.TaskId}: {Field(notification.Data, "tool")} "
            + $"({Field(notification.Data, "reason")})";
        var buttons = new InlineKeyboardMarkup(new[]
        {
            InlineKeyboardButton.WithCallbackData("Approve", $"{TelegramChat.Approve}{approvalId}"),
            InlineKeyboardButton.WithCallbackData("Deny", $"{TelegramChat.Deny}{approvalId}"),
        });
        try
        {
            await using var session = store.QuerySession();
            var task = await session.LoadAsync<TelegramTask>(notification.TaskId, cancellationToken);
            foreach (var chat in task is null ? [.. options.AllowedChatIds] : new[] { task.ChatId })
                await bot.SendMessage(chat, text, replyMarkup: buttons, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReplyFailed(logger, notification.TaskId, e.GetType().Name);
        }
    }

    private async Task SendScreenshotAsync(TelegramTask task, string type, CancellationToken cancellationToken)
    {
        var report = await services.GetRequiredService<ITaskReports>().GetAsync(task.Id, cancellationToken);
        if (report?.LastScreenshot is not { } shot)
            return;
        await using var bytes = services.GetRequiredService<IBlobStore>().OpenRead(shot.Sha256);
        if (bytes is null)
            return;
        var extension = shot.MediaType == "image/jpeg" ? "jpg" : "png";
        var caption = type == TaskEventNames.TaskCompleted
            ? $"Final screen: task {task.Id}"
            : $"The screen now: task {task.Id}";
        await bot.SendPhoto(task.ChatId, InputFile.FromStream(bytes, $"task-{task.Id}.{extension}"), caption,
            cancellationToken: cancellationToken);
    }

    private static (string? Status, string? Text) Reply(TaskNotification notification) => notification.Type switch
    {
        TaskEventNames.TaskStarted => ("RUNNING", $"Started: task {notification.TaskId}"),
        TaskEventNames.TaskNeedsHelp => ("NEEDS_HELP",
            $"Needs help: task {notification.TaskId}: {Field(notification.Data, "reason")}"),
        TaskEventNames.TaskCompleted => ("COMPLETED",
            $"Completed: task {notification.TaskId}: {Field(notification.Data, "result")}"),
        TaskEventNames.TaskFailed => ("FAILED",
            $"Failed: task {notification.TaskId}: {Field(notification.Data, "error")}"),
        TaskEventNames.TaskCancelled => ("CANCELLED", $"Cancelled: task {notification.TaskId}"),
        _ => (null, null),
    };

    private static string Field(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram reply for task {TaskId} failed ({Error})")]
    private static partial void LogReplyFailed(ILogger logger, Guid taskId, string error);
}
