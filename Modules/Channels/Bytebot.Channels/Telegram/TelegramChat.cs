using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Wolverine;

namespace Bytebot.Channels.Telegram;

/// <summary>
/// One update from Telegram, however it came (long polling or the webhook): an allowed chat's text becomes a task,
/// <c>/status</c> and <c>/tasks</c> answer from this chat's tasks, <c>/cancel ID</c> cancels one of them, a button
/// decides an approval. Other chats get
/// nothing, and nothing is created. Services over the store are resolved per use: the polling hosted service that
/// holds this is built before the database is up.
/// </summary>
internal sealed partial class TelegramChat(
    ITelegramBotClient bot, TelegramOptions options, IServiceProvider services, TimeProvider clock,
    ILogger<TelegramChat> logger)
{
    public const string Approve = "approve:";
    public const string Deny = "deny:";

    private readonly ConcurrentDictionary<long, Queue<DateTimeOffset>> _recent = new();
    private readonly ConcurrentDictionary<Guid, byte> _cancelledHere = new();

    /// <summary>True once for a task a chat's /cancel cancelled: that chat has had its answer.</summary>
    public bool CancelledHere(Guid taskId) => _cancelledHere.TryRemove(taskId, out _);

    public async Task HandleAsync(Update update, CancellationToken cancellationToken)
    {
        if (update.CallbackQuery is { } callback)
        {
            await DecideAsync(callback, cancellationToken);
            return;
        }
        if (update.Message is not { Text: { Length: > 0 } text, Chat.Id: var chatId })
            return;
        if (!options.AllowedChatIds.Contains(chatId))
        {
            LogRefusedChat(logger, chatId);
            return;
        }
        if (!Admit(chatId))
        {
            LogRateLimited(logger, chatId);
            return;
        }
        var store = services.GetRequiredService<IDocumentStore>();
        var command = text.Trim();
        if (command.StartsWith("/status", StringComparison.OrdinalIgnoreCase))
            await bot.SendMessage(chatId, await StatusAsync(store, chatId, cancellationToken), cancellationToken: cancellationToken);
        else if (command.StartsWith("/tasks", StringComparison.OrdinalIgnoreCase))
            await bot.SendMessage(chatId, await TasksAsync(store, chatId, cancellationToken), cancellationToken: cancellationToken);
        else if (command.StartsWith("/cancel", StringComparison.OrdinalIgnoreCase))
        {
            var answer = await CancelAsync(store, chatId, command["/cancel".Length..].Trim(), cancellationToken);
            await bot.SendMessage(chatId, answer, cancellationToken: cancellationToken);
        }
        else if (command.StartsWith('/'))
        {
            await bot.SendMessage(chatId, "Send a task as text, or /status, /tasks, /cancel ID.",
                cancellationToken: cancellationToken);
        }
        else
            await CreateAsync(store, chatId, command, cancellationToken);
    }

    // A button under an approval request: decided through the approvals' own path, so only one decision wins.
    private async Task DecideAsync(CallbackQuery callback, CancellationToken cancellationToken)
    {
        if (callback.Message?.Chat.Id is not { } chatId || !options.AllowedChatIds.Contains(chatId))
        {
            LogRefusedChat(logger, callback.Message?.Chat.Id ?? callback.From.Id);
            return;
        }
        var data = callback.Data ?? "";
        var approve = data.StartsWith(Approve, StringComparison.Ordinal);
        if ((!approve && !data.StartsWith(Deny, StringComparison.Ordinal))
            || !Guid.TryParse(data[(approve ? Approve : Deny).Length..], out var approvalId))
        {
            await bot.AnswerCallbackQuery(callback.Id, "Unknown button.", cancellationToken: cancellationToken);
            return;
        }
        var by = callback.From.Username is { Length: > 0 } name ? $"telegram:{name}" : $"telegram:{callback.From.Id}";
        var decided = await services.GetRequiredService<IApprovalDecisions>().DecideAsync(approvalId, approve, by, cancellationToken);
        var text = decided is null ? "No such approval." : $"Approval {approvalId}: {decided.Status}.";
        await bot.AnswerCallbackQuery(callback.Id, text, cancellationToken: cancellationToken);
        await bot.SendMessage(chatId, text, cancellationToken: cancellationToken);
    }

    private async Task CreateAsync(IDocumentStore store, long chatId, string text, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        TaskCreatedReply created;
        try
        {
            created = await bus.InvokeAsync<TaskCreatedReply>(new CreateTaskCommand(new TaskDraft(text)), cancellationToken);
        }
        catch (TaskRefusedException refused)
        {
            await bot.SendMessage(chatId, $"Not accepted: {refused.Message}", cancellationToken: cancellationToken);
            return;
        }
        await using (var session = store.LightweightSession())
        {
            session.Store(new TelegramTask
            {
                Id = created.TaskId, ChatId = chatId, Description = text, CreatedAt = clock.GetUtcNow(),
            });
            await session.SaveChangesAsync(cancellationToken);
        }
        await bot.SendMessage(chatId, $"Accepted: task {created.TaskId}", cancellationToken: cancellationToken);
    }

    // Only this chat's tasks are looked at, so another chat's id is "no such task" here, whoever knows it.
    private async Task<string> CancelAsync(
        IDocumentStore store, long chatId, string id, CancellationToken cancellationToken)
    {
        if (id.Length == 0)
            return "Send /cancel ID: a task id from /tasks, or its start.";
        if (!TaskIdPrefix().IsMatch(id))
            return $"\"{Shorten(id)}\" is not a task id: send /cancel with an id from /tasks, or its start.";
        List<Guid> ids;
        await using (var session = store.QuerySession())
            ids = [.. await session.Query<TelegramTask>().Where(t => t.ChatId == chatId).Select(t => t.Id)
                .ToListAsync(cancellationToken)];
        var matches = ids.Where(t => t.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
            return $"No task from this chat has an id starting with {id}; /tasks lists them.";
        if (matches.Count > 1)
            return $"{matches.Count} tasks from this chat have ids starting with {id}; send more of the id.";
        var taskId = matches[0];
        _cancelledHere[taskId] = 0;
        await using var scope = services.CreateAsyncScope();
        try
        {
            var cancelled = await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .InvokeAsync<TaskCancelledReply>(new CancelTaskCommand(taskId), cancellationToken);
            return $"Cancelled: task {taskId} (it was {cancelled.WasStatus}).";
        }
        catch (TaskRefusedException refused)
        {
            _cancelledHere.TryRemove(taskId, out _);
            return $"Not cancelled: task {taskId}: {refused.Message}";
        }
    }

    private static async Task<string> StatusAsync(IDocumentStore store, long chatId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var tasks = await session.Query<TelegramTask>().Where(t => t.ChatId == chatId).ToListAsync(cancellationToken);
        return tasks.Count == 0
            ? "Bytebot is running; no tasks from this chat yet."
            : "Bytebot is running. This chat's tasks: " + string.Join(", ",
                tasks.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
    }

    private static async Task<string> TasksAsync(IDocumentStore store, long chatId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var tasks = await session.Query<TelegramTask>().Where(t => t.ChatId == chatId)
            .OrderByDescending(t => t.CreatedAt).Take(10).ToListAsync(cancellationToken);
        if (tasks.Count == 0)
            return "No tasks from this chat yet.";
        var text = new StringBuilder("Latest tasks:");
        foreach (var task in tasks)
            text.Append('\n').Append(task.Status).Append(' ').Append(task.Id).Append(": ").Append(Shorten(task.Description));
        return text.ToString();
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..79] + "…";

    // A sliding minute per chat: a flood from one chat cannot queue tasks without end.
    private bool Admit(long chatId)
    {
        var now = clock.GetUtcNow();
        var recent = _recent.GetOrAdd(chatId, _ => new Queue<DateTimeOffset>());
        lock (recent)
        {
            while (recent.Count > 0 && now - recent.Peek() >= TimeSpan.FromMinutes(1))
                recent.Dequeue();
            if (recent.Count >= options.MessagesPerMinute)
                return false;
            recent.Enqueue(now);
            return true;
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f-]{1,36}$")]
    private static partial Regex TaskIdPrefix();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram chat {ChatId} is not allowed; ignored")]
    private static partial void LogRefusedChat(ILogger logger, long chatId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram chat {ChatId} sent too many messages; ignored")]
    private static partial void LogRateLimited(ILogger logger, long chatId);
}
