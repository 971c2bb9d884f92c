using Bytebot.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bytebot.Tests.Integration.Platform;

/// <summary>A started generic host with the platform module, as the product's host wires it.</summary>
internal static class PlatformHost
{
    public static async Task<IHost> StartAsync(
        IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddBytebotPlatform(builder.Configuration);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public static Task<IHost> StartAsync(string connectionString, Action<IServiceCollection>? configure = null) =>
        StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Bytebot"] = connectionString,
            ["BYTEBOT_DATA_DIR"] = Path.GetTempPath(),
        }, configure);

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
