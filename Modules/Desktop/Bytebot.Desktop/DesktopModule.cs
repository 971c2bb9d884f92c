using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Health;
using Bytebot.Desktop.VirtualDisplay;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop;

public static class DesktopModule
{
    public static IServiceCollection AddDesktopModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DesktopOptions>()
            .Configure(options => DesktopOptions.Bind(options, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DesktopOptions>, DesktopOptionsValidator>();
        services.AddSingleton<DesktopSupervisor>();
        services.AddSingleton<IDesktopEnvironment>(sp => sp.GetRequiredService<DesktopSupervisor>());
        services.AddHostedService(sp => sp.GetRequiredService<DesktopSupervisor>());
        services.AddSingleton<IDesktopDriver, XDesktopDriver>();
        services.AddHealthChecks()
            .AddCheck<DisplayHealthCheck>("display", tags: ["ready"])
            .AddCheck<VncHealthCheck>("vnc", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapDesktopEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
