using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tests.Fakes.Telegram;

/// <summary>
/// A loopback Telegram Bot API (<c>POST /bot{token}/{method}</c>, answers <c>{"ok":true,"result":…}</c>) that the
/// real Telegram.Bot client talks to through <c>Telegram:ApiBaseUrl</c>: getUpdates hands out queued updates (holding
/// a second when there are none, as long polling does), sendMessage is recorded, and sendPhoto's multipart upload is
/// parsed by ASP.NET Core's own form reader and recorded with the file's bytes.
/// </summary>
internal sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "123456:TEST-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _updates = new();
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly ConcurrentQueue<string> _answered = new();
    private readonly ConcurrentQueue<SentPhoto> _photos = new();
    private readonly ConcurrentQueue<string> _rejected = new();
    private int _updateId = 1000;
    private int _messageId;

    private FakeBotApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<SentMessage> Sent => [.. _sent];

    public IReadOnlyList<SentPhoto> Photos => [.. _photos];

    /// <summary>Uploads refused as malformed, with the parts they had: what a failed photo test shows.</summary>
    public IReadOnlyList<string> Rejected => [.. _rejected];

    public static async Task<FakeBotApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeBotApi(app);
        app.MapPost("/bot{token}/{method}", (Delegate)api.AnswerAsync);
        await app.StartAsync();
        api.BaseUrl = app.Urls.Single();
        return api;
    }

    /// <summary>An Update carrying a text message from <paramref name="chatId"/>, as Telegram would send it.</summary>
    public JsonObject Text(long chatId, string text)
    {
        var id = Interlocked.Increment(ref _updateId);
        return new JsonObject
        {
            ["update_id"] = id,
            ["message"] = new JsonObject
            {
                ["message_id"] = id,
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                ["from"] = new JsonObject { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "Tester" },
                ["text"] = text,
            },
        };
    }

    /// <summary>An Update: a press of an inline button with <paramref name="data"/> under a bot message.</summary>
    public JsonObject Press(long chatId, string data)
    {
        var id = Interlocked.Increment(ref _updateId);
        return new JsonObject
        {
            ["update_id"] = id,
            ["callback_query"] = new JsonObject
            {
                ["id"] = $"cb{id}",
                ["from"] = new JsonObject
                {
                    ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "Tester", ["username"] = "tester",
                },
                ["chat_instance"] = "ci",
                ["data"] = data,
                ["message"] = new JsonObject
                {
                    ["message_id"] = id,
                    ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                    ["text"] = "Approval needed",
                },
            },
        };
    }

    /// <summary>The answerCallbackQuery calls received, by callback query id.</summary>
    public IReadOnlyList<string> AnsweredCallbacks => [.. _answered];

    public void Queue(JsonObject update) => _updates.Enqueue(update);

    public Task<SentMessage> WaitForMessageAsync(long chatId, string containing, TimeSpan within) =>
        WaitAsync(() => _sent.FirstOrDefault(m =>
            m.ChatId == chatId && m.Text.Contains(containing, StringComparison.Ordinal)), within);

    public Task<SentPhoto> WaitForPhotoAsync(long chatId, string captionContaining, TimeSpan within) =>
        WaitAsync(() => _photos.FirstOrDefault(p =>
            p.ChatId == chatId && p.Caption?.Contains(captionContaining, StringComparison.Ordinal) == true), within);

    private static async Task<T> WaitAsync<T>(Func<T?> find, TimeSpan within) where T : class
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(within);
        while (true)
        {
            if (find() is { } found)
                return found;
            await Task.Delay(50, limit.Token);
        }
    }

    private async Task<IResult> AnswerAsync(string token, string method, HttpContext context)
    {
        if (token != "bot" + Token && token != Token)
            return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
        if (context.Request.HasFormContentType)
            return await FormAsync(method, context);
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        switch (method.ToLowerInvariant())
        {
            case "getupdates":
                var held = DateTime.UtcNow;
                while (_updates.IsEmpty && DateTime.UtcNow - held < TimeSpan.FromSeconds(1))
                    await Task.Delay(20, context.RequestAborted);
                var batch = new JsonArray();
                while (_updates.TryDequeue(out var update))
                    batch.Add(update);
                return Ok(batch);
            case "sendmessage":
                var chat = body.RootElement.GetProperty("chat_id");
                var chatId = chat.ValueKind == JsonValueKind.Number ? chat.GetInt64() : long.Parse(chat.GetString()!,
                    System.Globalization.CultureInfo.InvariantCulture);
                var text = body.RootElement.GetProperty("text").GetString()!;
                _sent.Enqueue(new SentMessage(chatId, text, body.RootElement.Clone()));
                return Ok(new JsonObject
                {
                    ["message_id"] = Interlocked.Increment(ref _messageId),
                    ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                    ["text"] = text,
                });
            case "answercallbackquery":
                _answered.Enqueue(body.RootElement.GetProperty("callback_query_id").GetString()!);
                return Ok(true);
            default:
                return Ok(true);
        }
    }

    // The Bot API takes uploads as multipart/form-data: plain fields plus the file under its field name.
    private async Task<IResult> FormAsync(string method, HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!method.Equals("sendphoto", StringComparison.OrdinalIgnoreCase))
            return Results.Json(new { ok = false, error_code = 400, description = "Unexpected upload" },
                statusCode: 400);
        // The photo is a file part named "photo", or the field says "attach://<part>" and the file is that part.
        var field = form["photo"].ToString();
        var part = field.StartsWith("attach://", StringComparison.Ordinal) ? field["attach://".Length..] : "photo";
        if (form.Files.GetFile(part) is not { } photo)
        {
            var seen = $"fields {string.Join(",", form.Keys)}; "
                + $"files {string.Join(",", form.Files.Select(f => f.Name))}";
            _rejected.Enqueue(seen);
            return Results.Json(new { ok = false, error_code = 400, description = $"Bad Request: no photo ({seen})" },
                statusCode: 400);
        }
        using var bytes = new MemoryStream();
        await photo.CopyToAsync(bytes, context.RequestAborted);
        var chatId = long.Parse(form["chat_id"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var caption = form.TryGetValue("caption", out var text) ? text.ToString() : null;
        _photos.Enqueue(new SentPhoto(chatId, photo.FileName, photo.ContentType, caption, bytes.ToArray()));
        return Ok(new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _messageId),
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
            ["photo"] = new JsonArray(new JsonObject
            {
                ["file_id"] = $"photo{_messageId}", ["file_unique_id"] = $"p{_messageId}",
                ["width"] = 1, ["height"] = 1,
            }),
        });
    }

    private static IResult Ok(JsonNode result) =>
        Results.Text(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString(), "application/json");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record SentMessage(long ChatId, string Text, JsonElement Body);

internal sealed record SentPhoto(long ChatId, string FileName, string? ContentType, string? Caption, byte[] Bytes);
