using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Infrastructure;

/// <summary>
/// The real host in memory, against a fresh database on the test run's managed PostgreSQL and with its own
/// managed virtual desktop (the same bootstrap code <c>build/run</c> uses).
/// </summary>
public sealed class BytebotHostFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public string Token { get; } = "bbt_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private readonly bool _ownsDataDir = settings?.GetValueOrDefault("BYTEBOT_DATA_DIR") is null;

    /// <summary>The data dir: one given in the settings (its owner cleans it up), else a temp dir of this factory's.</summary>
    public string DataDir { get; } = settings?.GetValueOrDefault("BYTEBOT_DATA_DIR") ?? Directory.CreateTempSubdirectory("bytebot-host-").FullName;

    /// <summary>Where file actions, uploads and task inputs go: a folder of the test's own, never the real home.</summary>
    public string WorkspaceRoot => settings?.GetValueOrDefault("Desktop:WorkspaceRoot") ?? Path.Combine(DataDir, "workspace");

    /// <summary>Service replacements applied after the host's own registrations (a scripted agent, a clock).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("BYTEBOT_DATA_DIR", DataDir);
        builder.UseSetting("BYTEBOT_TOKEN", Token);
        builder.UseSetting("ConnectionStrings:Bytebot", connectionString);
        builder.UseSetting("Desktop:Mode", "Managed");
        Directory.CreateDirectory(WorkspaceRoot);
        builder.UseSetting("Desktop:WorkspaceRoot", WorkspaceRoot);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        builder.UseSetting("Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks", "None");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (TestServices is { } configure)
            builder.ConfigureTestServices(configure);
    }

    /// <summary>Serves the host on a real loopback port (for browsers and raw sockets); returns its base URL.</summary>
    public string StartKestrel()
    {
        var port = Bytebot.Platform.Os.LoopbackPort.Free();
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        var baseUrl = $"http://127.0.0.1:{port}";
        ClientOptions.BaseAddress = new Uri(baseUrl);
        StartServer();
        return baseUrl;
    }

    public HttpClient CreateAuthenticatedClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public HttpClient CreateAnonymousClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            if (_ownsDataDir)
                Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A child that is still flushing a log can hold a file open for a moment; the temp dir is harmless.
        }
    }
}
