using System.Net.Http.Headers;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Unit.Desktop;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>The real host with a workspace of its own; <see cref="Recorder"/> is the driver when it is not null.</summary>
public abstract class ComputerUseHost(PostgresFixture postgres, bool recording, IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime
{
    private BytebotHostFactory? _factory;
    private WebApplicationFactory<Program>? _host;

    public string Workspace { get; } = Directory.CreateTempSubdirectory("bytebot-workspace-").FullName;

    internal RecordingDriver? Recorder { get; } = recording ? new RecordingDriver() : null;

    public WebApplicationFactory<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public string Token => _factory?.Token ?? throw new InvalidOperationException("Not started.");

    /// <summary>The X display the host drives (its managed desktop's, or the unreachable one of the recording host).</summary>
    public string Display => Host.Services.GetRequiredService<IDesktopEnvironment>().Display;

    public async ValueTask InitializeAsync()
    {
        _factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>(settings)
        {
            ["Desktop:WorkspaceRoot"] = Workspace,
            ["Security:RateLimitBurst"] = "100000",
        });
        _host = Recorder is null ? _factory : _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IDesktopDriver>(Recorder);
        }));
        using var client = CreateClient();
        // Without a display the host never gets ready (display check); it is live, which is all the recording tests need.
        var probe = Recorder is null ? "/health/ready" : "/health/live";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!deadline.IsCancellationRequested
               && (await client.GetAsync(new Uri(probe, UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode != System.Net.HttpStatusCode.OK)
            await Task.Delay(200, TestContext.Current.CancellationToken);
    }

    public HttpClient CreateClient(bool authenticated = true)
    {
        var client = Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (authenticated)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null && !ReferenceEquals(_host, _factory))
            await _host.DisposeAsync();
        if (_factory is not null)
            await _factory.DisposeAsync();
        Directory.Delete(Workspace, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>No display at all: the recording driver stands in for X, so these tests run before the native driver exists.</summary>
public sealed class RecordingComputerUseHost(PostgresFixture postgres) : ComputerUseHost(postgres, recording: true, new Dictionary<string, string?>
{
    ["Desktop:Mode"] = "External",
    ["Desktop:Vnc"] = "false",
    ["DISPLAY"] = TestDisplays.Unreachable,
});

/// <summary>The real host on its own managed Xvfb with the real driver.</summary>
public sealed class XvfbComputerUseHost(PostgresFixture postgres) : ComputerUseHost(postgres, recording: false, new Dictionary<string, string?>());

[CollectionDefinition(Name)]
public sealed class RecordingHostGroup : ICollectionFixture<RecordingComputerUseHost>
{
    public const string Name = "computer-use with a recording driver";
}
