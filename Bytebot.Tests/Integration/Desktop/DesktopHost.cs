using Bytebot.Desktop;
using Bytebot.Desktop.VirtualDisplay;
using Bytebot.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bytebot.Tests.Integration.Desktop;

/// <summary>A host with only Platform and Desktop, started the way Bytebot.Host starts them.</summary>
internal sealed class DesktopHost : IAsyncDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    private readonly IHost _host;
    private readonly string? _dataDir;
    private bool _stopped;

    private DesktopHost(IHost host, string? dataDir)
    {
        _host = host;
        _dataDir = dataDir;
    }

    public DesktopSupervisor Desktop => _host.Services.GetRequiredService<DesktopSupervisor>();

    public IServiceProvider Services => _host.Services;

    public string DataDir => Services.GetRequiredService<DataDirectory>().Path;

    /// <summary>A host on a fresh data dir, or on <paramref name="dataDir"/> (the caller's to delete).</summary>
    public static async Task<DesktopHost> StartAsync(IDictionary<string, string?> settings, string? dataDir = null)
    {
        var owned = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), "bytebot-desktop-" + Guid.NewGuid().ToString("N"));
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>(settings) { ["BYTEBOT_DATA_DIR"] = dataDir });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        builder.Services.AddBytebotPlatform(builder.Configuration);
        builder.Services.AddDesktopModule(builder.Configuration);
        var host = new DesktopHost(builder.Build(), owned ? dataDir : null);
        try
        {
            await host._host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // A host that failed to start cannot be stopped, only disposed.
            host._stopped = true;
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public Task<HealthReport> CheckAsync() =>
        _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

    /// <summary>Polls the health checks until <paramref name="condition"/> holds; fails with the last descriptions.</summary>
    public async Task<HealthReport> WaitUntilAsync(Func<HealthReport, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        var report = await CheckAsync();
        while (!condition(report))
        {
            if (DateTime.UtcNow > deadline)
            {
                var descriptions = string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status}: {e.Value.Description}"));
                Assert.Fail($"Not {what} within {Generous.TotalSeconds} s. Last report: {descriptions}");
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
            report = await CheckAsync();
        }
        return report;
    }

    public Task<HealthReport> WaitUntilHealthyAsync() => WaitUntilAsync(r => r.Status == HealthStatus.Healthy, "healthy");

    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
            await StopAsync();
        if (_host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            _host.Dispose();
        if (_dataDir is not null && Directory.Exists(_dataDir))
            Directory.Delete(_dataDir, recursive: true);
    }
}
