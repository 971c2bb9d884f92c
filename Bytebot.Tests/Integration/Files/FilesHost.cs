using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Files;

/// <summary>A host without a desktop whose workspace root is a fresh temp dir, and a sentinel dir outside it.</summary>
public sealed class FilesHost : IAsyncDisposable
{
    public const string Secret = "SENTINEL-outside-the-workspace-7f3a";

    private FilesHost(BytebotHostFactory factory, string workspace, string outside)
    {
        Factory = factory;
        Workspace = workspace;
        Outside = outside;
        Client = factory.CreateAuthenticatedClient();
    }

    public BytebotHostFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>The workspace root (what <c>Desktop:WorkspaceRoot</c> says).</summary>
    public string Workspace { get; }

    /// <summary>A directory outside the workspace with <c>secret.txt</c> holding <see cref="Secret"/>.</summary>
    public string Outside { get; }

    public string SecretFile => Path.Combine(Outside, "secret.txt");

    public static async Task<FilesHost> StartAsync(PostgresFixture postgres, ITaskAgent? agent = null, Dictionary<string, string?>? extra = null)
    {
        var workspace = Directory.CreateTempSubdirectory("bytebot-ws-").FullName;
        var outside = Directory.CreateTempSubdirectory("bytebot-outside-").FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), Secret);
        var settings = TasksHost.Settings("files-" + Guid.NewGuid().ToString("N")[..8], Path.Combine(outside, "actions.log"));
        settings["Desktop:WorkspaceRoot"] = workspace;
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), settings)
        {
            TestServices = services =>
            {
                if (agent is not null)
                    services.AddSingleton(agent);
            },
        };
        var host = new FilesHost(factory, workspace, outside);
        // No desktop here, so /health/ready stays 503; the tasks list answers once the database is migrated.
        await TasksHost.WaitUntilAsync(async () =>
        {
            using var response = await host.Client.GetAsync(new Uri("/api/tasks", UriKind.Relative), TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>Every file below <see cref="Outside"/> with its bytes: the witness that nothing outside changed.</summary>
    public Dictionary<string, string> OutsideSnapshot() =>
        Directory.EnumerateFiles(Outside, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith("actions.log", StringComparison.Ordinal))
            .ToDictionary(path => path, path => Convert.ToHexString(File.ReadAllBytes(path)));

    public async Task<JsonElement> TaskAsync(Guid id) =>
        await Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", TestContext.Current.CancellationToken);

    public async Task WaitForStatusAsync(Guid id, string status)
    {
        await TasksHost.WaitUntilAsync(async () => (await TaskAsync(id)).GetProperty("status").GetString() == status, TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Directory.Delete(Workspace, recursive: true);
        Directory.Delete(Outside, recursive: true);
    }
}
