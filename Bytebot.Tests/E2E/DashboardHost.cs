using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Files.Contracts;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>One real host on Kestrel (managed desktop, scripted agent) and one Chromium for the dashboard tests.</summary>
public sealed class DashboardHost(PostgresFixture postgres) : IAsyncLifetime
{
    private BytebotHostFactory? _factory;
    private IBrowser? _browser;

    public ScriptedTaskAgent Agent { get; } = new();

    /// <summary>The workspace root (<c>Desktop:WorkspaceRoot</c>): a temp dir, so no test touches the real home.</summary>
    public string Workspace { get; } = Directory.CreateTempSubdirectory("bytebot-ws-").FullName;

    public BytebotHostFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Tasks:PollInterval"] = "00:00:00.200",
            // A test that fails while its task is held must not starve the next tests of the worker.
            ["Tasks:MaxConcurrentTasks"] = "4",
            ["Security:RateLimitBurst"] = "100000",
            ["Desktop:WorkspaceRoot"] = Workspace,
            // Short, so a held step shows the stuck hint within a test; buttons the hint repeats are hidden meanwhile.
            ["Dashboard:StuckAfter"] = "00:00:03",
            // A configured model fills the picker; the scripted agent runs every task whatever its model.
            ["Agent:Models:0:Model"] = "llama3.1:8b",
            ["Agent:Models:0:Provider"] = "openai-compatible",
            ["Agent:Models:0:Title"] = "Llama 3.1 8B (local)",
            ["Agent:Models:0:BaseUrl"] = "http://127.0.0.1:9/v1",
        })
        {
            TestServices = services => services.AddSingleton<ITaskAgent>(Agent),
        };
        Agent.Workspace = Workspace;
        BaseUrl = _factory.StartKestrel();
        Agent.Blobs = _factory.Services.GetRequiredService<IBlobStore>();
        using (var client = _factory.CreateAuthenticatedClient())
            (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).EnsureSuccessStatusCode();
        _browser = await Browsers.LaunchChromiumAsync();
    }

    /// <summary>A signed-in page at 1366×768 (a laptop screen), on <paramref name="path"/>.</summary>
    public async Task<IPage> OpenAsync(string path, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 }, ColorScheme = scheme });
        var page = await context.NewPageAsync();
        await DashboardBrowser.SignInAsync(page, BaseUrl, Factory.Token, path);
        return page;
    }

    public async Task<Guid> CreateTaskAsync(string description)
    {
        using var client = Factory.CreateAuthenticatedClient();
        using var response = await client.PostAsJsonAsync("/api/tasks", new { description }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
    }

    public async Task<int> StepCountAsync(Guid taskId)
    {
        using var client = Factory.CreateAuthenticatedClient();
        return (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/timeline", TestContext.Current.CancellationToken)).GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        if (_factory is not null)
            await _factory.DisposeAsync();
        Directory.Delete(Workspace, recursive: true);
    }
}
