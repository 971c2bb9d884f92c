using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Agent.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Telegram;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Channels;

/// <summary>
/// The Telegram channel on a real host and PostgreSQL; the real Telegram.Bot client talks to a loopback fake Bot API.
/// </summary>
public sealed class TelegramTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Allowed = 4242;
    private const long Stranger = 9999;
    private const long Neighbour = 7777;
    private const string Secret = "s3cret_Token-1";

    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-telegram-{Guid.NewGuid():N}.log");
    private FakeBotApi? _api;
    private BytebotHostFactory? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_api is not null)
            await _api.DisposeAsync();
        File.Delete(_actionLog);
    }

    private async Task<BytebotHostFactory> StartAsync(string mode, ITaskAgent? agent = null)
    {
        var settings = TasksHost.Settings("telegram", _actionLog);
        settings["Telegram:BotToken"] = FakeBotApi.Token;
        settings["Telegram:ApiBaseUrl"] = _api!.BaseUrl;
        settings["Telegram:AllowedChatIds:0"] = Allowed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Telegram:AllowedChatIds:1"] = Neighbour.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Telegram:Mode"] = mode;
        settings["Telegram:WebhookSecret"] = Secret;
        _host = TasksHost.Create(await postgres.CreateDatabaseAsync(), settings, agent);
        using var client = _host.CreateAuthenticatedClient();
        (await client.GetAsync(new Uri("/api/webhooks", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        return _host;
    }

    [Fact]
    public async Task A_polled_message_from_an_allowed_chat_creates_a_task_and_a_strangers_creates_nothing()
    {
        var host = await StartAsync("Polling");
        using var client = host.CreateAuthenticatedClient();
        _api!.Queue(_api.Text(Stranger, "Delete every file"));
        _api.Queue(_api.Text(Allowed, "Open the calculator"));

        var accepted = await _api.WaitForMessageAsync(Allowed, "Accepted: task ", TimeSpan.FromSeconds(30));
        var taskId = Guid.Parse(accepted.Text["Accepted: task ".Length..]);
        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Ct);
        task.GetProperty("description").GetString().ShouldBe("Open the calculator");

        _api.Queue(_api.Text(Allowed, "/tasks"));
        var listed = await _api.WaitForMessageAsync(Allowed, "Latest tasks:", TimeSpan.FromSeconds(30));
        listed.Text.ShouldContain(taskId.ToString());
        listed.Text.ShouldContain("Open the calculator");

        _api.Sent.ShouldNotContain(m => m.ChatId == Stranger);
        (await TotalTasksAsync(client)).ShouldBe(1);
    }

    [Fact]
    public async Task The_chat_is_told_when_its_task_starts_and_completes_with_the_result()
    {
        await StartAsync("Polling", new ScriptedAgent(_actionLog, TimeSpan.FromMilliseconds(10)));
        _api!.Queue(_api.Text(Allowed, "Click twice steps:2"));

        var accepted = await _api.WaitForMessageAsync(Allowed, "Accepted: task ", TimeSpan.FromSeconds(30));
        var taskId = accepted.Text["Accepted: task ".Length..];
        await _api.WaitForMessageAsync(Allowed, $"Started: task {taskId}", TimeSpan.FromSeconds(30));
        var completed = await _api.WaitForMessageAsync(Allowed, $"Completed: task {taskId}", TimeSpan.FromSeconds(30));
        completed.Text.ShouldContain("\"steps\":2");
        completed.Text.ShouldContain("Click twice steps:2");

        _api.Queue(_api.Text(Allowed, "/status"));
        (await _api.WaitForMessageAsync(Allowed, "Bytebot is running.", TimeSpan.FromSeconds(30))).Text
            .ShouldEndWith("1 COMPLETED");
    }

    [Fact]
    public async Task An_approval_request_arrives_with_buttons_and_the_Approve_button_approves_the_call()
    {
        var host = await StartAsync("Polling");
        _api!.Queue(_api.Text(Allowed, "Clean up the projects folder"));
        var accepted = await _api.WaitForMessageAsync(Allowed, "Accepted: task ", TimeSpan.FromSeconds(30));
        var taskId = Guid.Parse(accepted.Text["Accepted: task ".Length..]);

        // The built-in rules ask for a destructive shell line; the gate waits for a decision (Telegram is an approver).
        var gate = host.Services.GetRequiredService<IToolGate>();
        var verdict = gate.CheckAsync(
            new ToolCallSubject(taskId, "computer_type_text", """{"text":"rm -rf ~/projects\n"}""", "agent"), Ct);
        var asked = await _api.WaitForMessageAsync(
            Allowed, $"Approval needed: task {taskId}", TimeSpan.FromSeconds(30));
        var buttons = asked.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0].EnumerateArray()
            .Select(b => (Text: b.GetProperty("text").GetString(), Data: b.GetProperty("callback_data").GetString()!))
            .ToList();
        buttons.Select(b => b.Text).ShouldBe(["Approve", "Deny"]);
        verdict.IsCompleted.ShouldBeFalse();

        // A stranger's press decides nothing.
        _api.Queue(_api.Press(Stranger, buttons[1].Data));
        _api.Queue(_api.Press(Allowed, buttons[0].Data));
        (await verdict.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Allowed.ShouldBeTrue();
        await _api.WaitForMessageAsync(Allowed, ": approved.", TimeSpan.FromSeconds(30));
        _api.AnsweredCallbacks.Count.ShouldBe(1);
        using var client = host.CreateAuthenticatedClient();
        var approvals = await client.GetFromJsonAsync<JsonElement>("/api/approvals", Ct);
        var approval = approvals.EnumerateArray().ShouldHaveSingleItem();
        approval.GetProperty("status").GetString().ShouldBe("approved");
        approval.GetProperty("decidedBy").GetString().ShouldBe("telegram:tester");
    }

    [Fact]
    public async Task Cancel_takes_an_id_or_a_unique_prefix_of_this_chats_tasks_and_says_what_happened()
    {
        var host = await StartAsync("Polling");
        using var client = host.CreateAuthenticatedClient();
        var first = await CreateFromChatAsync("Open the calculator");
        var second = await CreateFromChatAsync("Open the text editor");
        var common = new string([.. first.ToString().Zip(second.ToString()).TakeWhile(p => p.First == p.Second)
            .Select(p => p.First)]);
        common.ShouldNotBeEmpty("v7 ids made a moment apart share their time prefix");

        // Another allowed chat cannot cancel it, even with its whole id.
        _api!.Queue(_api.Text(Neighbour, $"/cancel {first}"));
        (await _api.WaitForMessageAsync(Neighbour, "No task from this chat", TimeSpan.FromSeconds(30))).Text
            .ShouldContain(first.ToString());
        _api.Queue(_api.Text(Allowed, "/cancel"));
        await _api.WaitForMessageAsync(Allowed, "Send /cancel ID", TimeSpan.FromSeconds(30));
        _api.Queue(_api.Text(Allowed, "/cancel the-calculator"));
        await _api.WaitForMessageAsync(Allowed, "\"the-calculator\" is not a task id", TimeSpan.FromSeconds(30));
        _api.Queue(_api.Text(Allowed, $"/cancel {common}"));
        await _api.WaitForMessageAsync(Allowed, $"2 tasks from this chat have ids starting with {common}",
            TimeSpan.FromSeconds(30));
        (await StatusAsync(client, first)).ShouldBe("PENDING");

        var prefix = first.ToString()[..Math.Min(36, common.Length + 4)].ToUpperInvariant();
        _api.Queue(_api.Text(Allowed, $"/cancel {prefix}"));
        await _api.WaitForMessageAsync(Allowed, $"Cancelled: task {first} (it was PENDING).", TimeSpan.FromSeconds(30));
        (await StatusAsync(client, first)).ShouldBe("CANCELLED");
        (await StatusAsync(client, second)).ShouldBe("PENDING");

        _api.Queue(_api.Text(Allowed, $"/cancel {first}"));
        (await _api.WaitForMessageAsync(Allowed, $"Not cancelled: task {first}", TimeSpan.FromSeconds(30))).Text
            .ShouldContain("already CANCELLED");
        _api.Queue(_api.Text(Allowed, "/tasks"));
        (await _api.WaitForMessageAsync(Allowed, "Latest tasks:", TimeSpan.FromSeconds(30))).Text
            .ShouldContain($"CANCELLED {first}");
        // The chat's own /cancel was the answer; the cancelled event did not tell it twice.
        _api.Sent.Count(m => m.Text.StartsWith($"Cancelled: task {first}", StringComparison.Ordinal)).ShouldBe(1);
    }

    private async Task<Guid> CreateFromChatAsync(string text)
    {
        var before = _api!.Sent.Count(m => m.Text.StartsWith("Accepted: task ", StringComparison.Ordinal));
        _api.Queue(_api.Text(Allowed, text));
        await TasksHost.WaitUntilAsync(() => Task.FromResult(
            _api.Sent.Count(m => m.Text.StartsWith("Accepted: task ", StringComparison.Ordinal)) > before),
            TimeSpan.FromSeconds(30));
        var accepted = _api.Sent.Where(m => m.Text.StartsWith("Accepted: task ", StringComparison.Ordinal)).Last();
        return Guid.Parse(accepted.Text["Accepted: task ".Length..]);
    }

    private static async Task<string?> StatusAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status").GetString();

    [Fact]
    public async Task Webhook_mode_refuses_a_missing_or_wrong_secret_token_with_403_and_creates_nothing()
    {
        var host = await StartAsync("Webhook");
        using var anonymous = host.CreateAnonymousClient();
        using var client = host.CreateAuthenticatedClient();

        (await PostUpdateAsync(anonymous, null, "No secret")).ShouldBe(HttpStatusCode.Forbidden);
        (await PostUpdateAsync(anonymous, "s3cret_Token-2", "Wrong secret")).ShouldBe(HttpStatusCode.Forbidden);
        (await PostUpdateAsync(anonymous, Secret[..^1], "A prefix of the secret")).ShouldBe(HttpStatusCode.Forbidden);
        // The admin token is no substitute for Telegram's secret.
        (await PostUpdateAsync(client, null, "Bearer only")).ShouldBe(HttpStatusCode.Forbidden);
        (await TotalTasksAsync(client)).ShouldBe(0);

        (await PostUpdateAsync(anonymous, Secret, "Open the text editor")).ShouldBe(HttpStatusCode.OK);
        await _api!.WaitForMessageAsync(Allowed, "Accepted: task ", TimeSpan.FromSeconds(30));
        (await TotalTasksAsync(client)).ShouldBe(1);
        _api.Sent.Count.ShouldBe(1);
    }

    private async Task<HttpStatusCode> PostUpdateAsync(HttpClient client, string? secret, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/channels/telegram")
        {
            Content = new StringContent(_api!.Text(Allowed, text).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task<long> TotalTasksAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("total").GetInt64();
}
