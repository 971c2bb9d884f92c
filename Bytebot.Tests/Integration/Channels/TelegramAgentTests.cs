using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Fakes.Telegram;
using Bytebot.Tests.Fakes.Webhooks;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Desktop.Native;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Channels;

/// <summary>
/// Issue 16, acceptance 2 with the real agent loop: a chat's message becomes a task that the host's own loop runs
/// against the scripted fake LLM (Anthropic's wire protocol, the official SDK) on a bare Xvfb; the model's screenshot
/// call really runs, and the chat gets the result and that screenshot as a photo, uploaded as the Bot API takes it.
/// </summary>
public sealed class TelegramAgentTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Chat = 5151;
    private const long Other = 6262;
    private const int Width = 1024;
    private const int Height = 768;
    private const string Dashboard = "http://bytebot.example:9990";
    private const string AskMarker = "bytebot-ask-first";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private FakeLlmServer? _llm;
    private FakeBotApi? _api;
    private BareXvfb? _xvfb;
    private BytebotHostFactory? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _llm = await FakeLlmServer.StartAsync();
        _api = await FakeBotApi.StartAsync();
        _xvfb = await BareXvfb.StartAsync(Width, Height, Ct);
        var settings = TasksHost.Settings(
            "telegram-agent", Path.Combine(Path.GetTempPath(), $"bytebot-telegram-agent-{Guid.NewGuid():N}.log"));
        settings["DISPLAY"] = _xvfb.Display;
        settings["ANTHROPIC_API_KEY"] = "sk-ant-telegram";
        settings["ANTHROPIC_BASE_URL"] = _llm.BaseUrl.ToString().TrimEnd('/');
        settings["Notifications:DashboardUrl"] = Dashboard;
        settings["Agent:Policy:Rules:0:Tool"] = "computer_type_text";
        settings["Agent:Policy:Rules:0:Match"] = AskMarker;
        settings["Agent:Policy:Rules:0:Decision"] = "ask";
        settings["Agent:Policy:ApprovalTimeout"] = "00:01:00";
        settings["Telegram:BotToken"] = FakeBotApi.Token;
        settings["Telegram:ApiBaseUrl"] = _api.BaseUrl;
        settings["Telegram:AllowedChatIds:0"] = Chat.ToString(CultureInfo.InvariantCulture);
        settings["Telegram:AllowedChatIds:1"] = Other.ToString(CultureInfo.InvariantCulture);
        _host = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings);
        using var client = _host.CreateAuthenticatedClient();
        (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_host is not null)
                await _host.DisposeAsync();
        }
        finally
        {
            if (_xvfb is not null)
                await _xvfb.DisposeAsync();
            if (_api is not null)
                await _api.DisposeAsync();
            if (_llm is not null)
                await _llm.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_scripted_model_completes_the_chats_task_and_the_chat_gets_the_result_and_the_final_screen()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = _host!.CreateAuthenticatedClient();
        await WebhookTests.SubscribeAsync(client, receiver.Url, "task.completed");
        _llm!.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_shot", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status",
                new { status = "completed", description = "Looked at the screen: an empty desktop." }));
        _api!.Queue(_api.Text(Chat, "Look at the screen and tell me what is on it"));

        var taskId = await AcceptedAsync(Chat);
        var completed = await _api.WaitForMessageAsync(Chat, $"Completed: task {taskId}", Generous);
        completed.Text.ShouldContain("Looked at the screen: an empty desktop.");
        var photo = await PhotoAsync(Chat, $"Final screen: task {taskId}");

        // The model's two calls were answered: the screenshot went to it, the status call ended the task.
        var bodies = _llm.Bodies(FakeLlmServer.AnthropicMessages);
        bodies.Count.ShouldBe(2);
        bodies[1].ToString().ShouldContain("\"type\":\"image\"");
        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);
        task.GetProperty("status").GetString().ShouldBe("COMPLETED");
        var totals = task.GetProperty("totals");
        totals.GetProperty("steps").GetInt32().ShouldBe(2);
        var screenshot = await ShouldBeTheLastScreenshotAsync(client, taskId, photo);
        _api.Photos.ShouldNotContain(p => p.ChatId != Chat);

        // The completion's webhook carries the same totals and where to fetch that screenshot.
        var delivered = (await receiver.WaitForAsync(1, Generous)).Single();
        delivered.Verified.ShouldBeTrue();
        using var payload = JsonDocument.Parse(delivered.Payload);
        var data = payload.RootElement.GetProperty("data");
        data.GetProperty("taskId").GetGuid().ShouldBe(taskId);
        var sent = data.GetProperty("totals");
        sent.GetProperty("steps").GetInt32().ShouldBe(2);
        sent.GetProperty("inputTokens").GetInt64().ShouldBe(totals.GetProperty("inputTokens").GetInt64());
        sent.GetProperty("inputTokens").GetInt64().ShouldBeGreaterThan(0);
        sent.GetProperty("outputTokens").GetInt64().ShouldBe(totals.GetProperty("outputTokens").GetInt64());
        sent.GetProperty("cost").GetDecimal().ShouldBe(totals.GetProperty("cost").GetDecimal());
        data.GetProperty("screenshotUrl").GetString().ShouldBe(Dashboard + screenshot);
    }

    [Fact]
    public async Task A_task_that_needs_help_sends_the_reason_and_the_screen_now_to_its_chat_only()
    {
        _llm!.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_shot", "computer_screenshot", new { }),
            ScriptedReplies.AnthropicToolUse("toolu_help", "set_task_status",
                new { status = "needs_help", description = "A login form wants a password." }));
        _api!.Queue(_api.Text(Other, "Sign in to the mail client"));

        var taskId = await AcceptedAsync(Other);
        var help = await _api.WaitForMessageAsync(Other, $"Needs help: task {taskId}", Generous);
        help.Text.ShouldContain("A login form wants a password.");
        var photo = await PhotoAsync(Other, $"The screen now: task {taskId}");

        using var client = _host!.CreateAuthenticatedClient();
        await ShouldBeTheLastScreenshotAsync(client, taskId, photo);
        _api.Sent.ShouldNotContain(m => m.ChatId == Chat);
        _api.Photos.ShouldNotContain(p => p.ChatId == Chat);
    }

    [Fact]
    public async Task The_models_call_the_policy_asks_about_waits_for_the_chats_Approve_then_runs_and_the_task_completes()
    {
        _llm!.Script(FakeLlmServer.AnthropicMessages,
            ScriptedReplies.AnthropicToolUse("toolu_type", "computer_type_text", new { text = $"{AskMarker} hello" }),
            ScriptedReplies.AnthropicToolUse("toolu_done", "set_task_status",
                new { status = "completed", description = "Typed the greeting." }));
        _api!.Queue(_api.Text(Chat, "Type a greeting"));

        var taskId = await AcceptedAsync(Chat);
        var asked = await _api.WaitForMessageAsync(Chat, $"Approval needed: task {taskId}", Generous);
        asked.Text.ShouldContain("computer_type_text");
        var approve = asked.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0][0];
        approve.GetProperty("text").GetString().ShouldBe("Approve");
        _llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(1, "the step waits for the decision");
        _api.Queue(_api.Press(Chat, approve.GetProperty("callback_data").GetString()!));

        await _api.WaitForMessageAsync(Chat, $"Completed: task {taskId}", Generous);
        using var client = _host!.CreateAuthenticatedClient();
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/timeline", Ct);
        var typed = timeline.EnumerateArray()
            .Single(s => s.GetProperty("action").GetString() == "computer_type_text");
        var approval = typed.GetProperty("approvals").EnumerateArray().ShouldHaveSingleItem();
        approval.GetProperty("decision").GetString().ShouldBe("approved");
        approval.GetProperty("decidedBy").GetString().ShouldBe("telegram:tester");
        _llm.Bodies(FakeLlmServer.AnthropicMessages).Count.ShouldBe(2);
    }

    private async Task<SentPhoto> PhotoAsync(long chat, string caption)
    {
        try
        {
            return await _api!.WaitForPhotoAsync(chat, caption, Generous);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No photo \"{caption}\"; refused uploads: {string.Join(" | ", _api!.Rejected)}; "
                + $"photos: {string.Join(" | ", _api.Photos.Select(p => $"{p.ChatId} {p.Caption}"))}");
            throw;
        }
    }

    private async Task<Guid> AcceptedAsync(long chat)
    {
        var accepted = await _api!.WaitForMessageAsync(chat, "Accepted: task ", Generous);
        return Guid.Parse(accepted.Text["Accepted: task ".Length..]);
    }

    // The uploaded photo is the task's newest stored screenshot, a real image of the desktop's size.
    private static async Task<string> ShouldBeTheLastScreenshotAsync(HttpClient client, Guid taskId, SentPhoto photo)
    {
        photo.FileName.ShouldBe($"task-{taskId}.png");
        // Every chunk's CRC, the zlib stream and every row are checked as the image is decoded.
        var image = PngImage.Decode(photo.Bytes);
        (image.Width, image.Height).ShouldBe((Width, Height));
        image.Rgb.Length.ShouldBe(Width * Height * 3);
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/timeline", Ct);
        var last = timeline.EnumerateArray()
            .Last(s => s.GetProperty("screenshotUrl").ValueKind == JsonValueKind.String);
        var url = last.GetProperty("screenshotUrl").GetString()!;
        photo.Bytes.ShouldBe(await client.GetByteArrayAsync(new Uri(url, UriKind.Relative), Ct));
        return url;
    }
}
