using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.E2E.Backup;

/// <summary>
/// A real host on its own managed PostgreSQL cluster (no connection string, as <c>build/run</c> starts it) and managed
/// desktop, its model a loopback fake LLM: what a backup is taken of, or what a restored data dir is started with.
/// </summary>
internal sealed class BackupHost : IAsyncDisposable
{
    public const string Model = "qwen";

    private BackupHost(FakeLlmServer llm, BytebotHostFactory factory, string baseUrl, HttpClient client)
    {
        Llm = llm;
        Factory = factory;
        BaseUrl = baseUrl;
        Client = client;
    }

    internal FakeLlmServer Llm { get; }

    public BytebotHostFactory Factory { get; }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Starts a host; on <paramref name="dataDir"/> when given (its owner removes it), else on a temp dir. The model's
    /// first answers are scripted before the host starts: a restored host takes up its running task at once.
    /// </summary>
    public static async Task<BackupHost> StartAsync(string? dataDir = null, params ScriptedReply[] script)
    {
        var llm = await FakeLlmServer.StartAsync();
        llm.Script(FakeLlmServer.ChatCompletions, script);
        var v1 = new Uri(llm.BaseUrl, "v1").ToString();
        var settings = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-openai-test",
            ["Agent:Models:0:Name"] = Model,
            ["Agent:Models:0:Provider"] = "openai-compatible",
            ["Agent:Models:0:Model"] = "qwen2.5-vl",
            ["Agent:Models:0:BaseUrl"] = v1,
            ["Agent:Retry:MaxAttempts"] = "2",
            ["Agent:Retry:BaseDelay"] = "00:00:00.050",
            // A restored host takes over the running task once the lease in the dump has run out.
            ["Tasks:LeaseLength"] = "00:00:06",
            ["Tasks:HeartbeatInterval"] = "00:00:02",
            ["Security:RateLimitBurst"] = "100000",
        };
        if (dataDir is not null)
            settings["BYTEBOT_DATA_DIR"] = dataDir;
        // An empty connection string: the managed cluster in the data dir, which is what a backup dumps.
        var factory = new BytebotHostFactory("", settings);
        var baseUrl = factory.StartKestrel();
        var client = factory.CreateAuthenticatedClient();
        (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120))).EnsureSuccessStatusCode();
        return new BackupHost(llm, factory, baseUrl, client);
    }

    public Dictionary<string, string?> CliEnvironment(string configDir) => new()
    {
        ["BYTEBOT_URL"] = BaseUrl,
        ["BYTEBOT_TOKEN"] = Factory.Token,
        ["XDG_CONFIG_HOME"] = configDir,
    };

    public void Script(ScriptedReply reply, params ScriptedReply[] more) =>
        Llm.Script(FakeLlmServer.ChatCompletions, [reply, .. more]);

    public async Task<Guid> CreateTaskAsync(string description, params (string Name, byte[] Bytes)[] files)
    {
        using var response = await Client.PostAsJsonAsync("/api/tasks", new
        {
            description,
            model = new { provider = "openai-compatible", name = Model, title = Model },
            files = files.Select(f =>
                new { name = f.Name, type = "text/plain", base64 = Convert.ToBase64String(f.Bytes) }),
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return created.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetAsync(string path) =>
        await Client.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);

    public async Task<JsonElement> WaitForAsync(Guid id, TimeSpan limit, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var task = await GetAsync($"/api/tasks/{id}");
            if (done(task))
                return task;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Task {id} did not get there within {limit}: {task}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Llm.DisposeAsync();
    }
}
