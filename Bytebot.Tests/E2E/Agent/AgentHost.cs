using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// The real host with its managed desktop (Xvfb + XFCE) and the real agent loop, whose three providers all point at one
/// loopback fake LLM server. Retries are fast (50 ms base) so fault tests measure Retry-After, not the backoff.
/// </summary>
public class AgentHost(PostgresFixture postgres) : IAsyncLifetime
{
    public const string Claude = "claude-sonnet-4-20250514";
    public const string Gpt = "gpt-4.1-2025-04-14";
    public const string Qwen = "qwen";
    public const int MaxSteps = 40;
    public const string Unstreamed = "-unstreamed";
    public const string ClaudeNative = "claude-native";
    public const string GptNative = "gpt-native";
    public const string AskMarker = "bytebot-ask-first";

    private BytebotHostFactory? _factory;

    internal FakeLlmServer Llm { get; private set; } = null!;

    /// <summary>Every entry the host logged.</summary>
    public CapturedLogs Logs { get; } = new();

    public BytebotHostFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The host on a real loopback port, for the browser.</summary>
    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Llm = await FakeLlmServer.StartAsync();
        var v1 = new Uri(Llm.BaseUrl, "v1").ToString();
        ConnectionString = await postgres.CreateDatabaseAsync();
        _factory = new BytebotHostFactory(ConnectionString, new Dictionary<string, string?>
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-test",
            ["ANTHROPIC_BASE_URL"] = Llm.BaseUrl.ToString().TrimEnd('/'),
            ["OPENAI_API_KEY"] = "sk-openai-test",
            ["OPENAI_BASE_URL"] = v1,
            ["Agent:Models:0:Name"] = Qwen,
            ["Agent:Models:0:Provider"] = "openai-compatible",
            ["Agent:Models:0:Model"] = "qwen2.5-vl",
            ["Agent:Models:0:BaseUrl"] = v1,
            // Every provider streams by default; these three answer the same models without streaming.
            ["Agent:Models:1:Name"] = Claude + Unstreamed,
            ["Agent:Models:1:Provider"] = "anthropic",
            ["Agent:Models:1:Model"] = Claude,
            ["Agent:Models:1:Stream"] = "false",
            ["Agent:Models:2:Name"] = Gpt + Unstreamed,
            ["Agent:Models:2:Provider"] = "openai",
            ["Agent:Models:2:Model"] = Gpt,
            ["Agent:Models:2:Stream"] = "false",
            ["Agent:Models:3:Name"] = Qwen + Unstreamed,
            ["Agent:Models:3:Provider"] = "openai-compatible",
            ["Agent:Models:3:Model"] = "qwen2.5-vl",
            ["Agent:Models:3:BaseUrl"] = v1,
            ["Agent:Models:3:Stream"] = "false",
            // The same models offered their provider's own computer tool (ADR 0053).
            ["Agent:Models:4:Name"] = ClaudeNative,
            ["Agent:Models:4:Provider"] = "anthropic",
            ["Agent:Models:4:Model"] = Claude,
            ["Agent:Models:4:ComputerTool"] = "native",
            ["Agent:Models:5:Name"] = GptNative,
            ["Agent:Models:5:Provider"] = "openai",
            ["Agent:Models:5:Model"] = Gpt,
            ["Agent:Models:5:ComputerTool"] = "native",
            // Issue 14, acceptance 4: typing a line that carries the marker asks first.
            ["Agent:Policy:Rules:0:Tool"] = "computer_type_text",
            ["Agent:Policy:Rules:0:Match"] = AskMarker,
            ["Agent:Policy:Rules:0:Decision"] = "ask",
            ["Agent:Policy:ApprovalTimeout"] = "00:00:08",
            ["Agent:Fallbacks:0"] = Gpt,
            ["Agent:Retry:MaxAttempts"] = "2",
            ["Agent:Retry:BaseDelay"] = "00:00:00.050",
            ["Agent:Limits:MaxSteps"] = MaxSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tasks:MaxConcurrentTasks"] = "2",
            ["Security:RateLimitBurst"] = "100000",
        }.Concat(Settings).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value))
        {
            // What the host logs with its own appsettings (Information), and its modules' Debug entries besides.
            TestServices = services => services.AddLogging(logging => logging.AddProvider(Logs)
                .AddFilter<CapturedLogs>(null, LogLevel.Information).AddFilter<CapturedLogs>("Bytebot", LogLevel.Debug)),
        };
        BaseUrl = _factory.StartKestrel();
        Client = _factory.CreateAuthenticatedClient();
        (await HostFixture.WaitUntilReadyAsync(Client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
    }

    /// <summary>Settings a derived fixture adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
        if (Llm is not null)
            await Llm.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public Task<Guid> CreateTaskAsync(string description, string provider, string model) =>
        TasksHost.CreateTaskAsync(Client, new { description, model = new { provider, name = model, title = model } });

    public async Task<JsonElement> GetTaskAsync(Guid id) =>
        await Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", TestContext.Current.CancellationToken);

    /// <summary>Polls the task until its status is one of <paramref name="statuses"/>; fails with its last state.</summary>
    public async Task<JsonElement> WaitForStatusAsync(Guid id, TimeSpan limit, params string[] statuses)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var task = await GetTaskAsync(id);
            if (statuses.Contains(task.GetProperty("status").GetString()))
                return task;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Task {id} did not reach {string.Join("/", statuses)} within {limit}: {task}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async Task<JsonElement> TimelineAsync(Guid id) =>
        await Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", TestContext.Current.CancellationToken);

    public async Task<JsonElement> ComputerUseAsync(object action)
    {
        using var response = await Client.PostAsJsonAsync("/computer-use", action, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Content.Headers.ContentLength == 0
            ? default
            : await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public async Task<(int X, int Y)> CursorAsync()
    {
        var cursor = await ComputerUseAsync(new { action = "cursor_position" });
        return (cursor.GetProperty("x").GetInt32(), cursor.GetProperty("y").GetInt32());
    }
}
